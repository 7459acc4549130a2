#include "device_log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>

namespace usock::device {

spdlog::logger& device_log() {
  spdlog::logger* chosen = spdlog::default_logger_raw();
  // spdlog's own default logger is the only one without a name.
  if (!chosen->name().empty()) return *chosen;
  // Not registered: a program may name a logger of its own "usock".
  static spdlog::logger fallback = [] {
    spdlog::logger logger("usock", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    logger.set_pattern("%n: %^%l%$: %v");
    logger.set_level(spdlog::level::warn);
    return logger;
  }();
  return fallback;
}

}  // namespace usock::device
