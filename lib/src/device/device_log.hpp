#pragma once
// The device layer's logger. A program that set spdlog's default logger,
// as the tools do, hears the device through it. One that did not would get
// spdlog's own default, which writes every info line to stdout, among the
// program's output; it gets warnings and errors on stderr instead.

#include <spdlog/logger.h>

namespace usock::device {

spdlog::logger& device_log();

}  // namespace usock::device
