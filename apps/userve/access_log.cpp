#include "access_log.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <array>
#include <ctime>

#include "exit_codes.hpp"
#include "tool.hpp"

namespace userve {
namespace {

std::shared_ptr<spdlog::sinks::sink> make_sink(const std::optional<std::string>& file) {
  if (!file) return std::make_shared<spdlog::sinks::stdout_sink_mt>();
  try {
    return std::make_shared<spdlog::sinks::basic_file_sink_mt>(*file);
  } catch (const spdlog::spdlog_ex& error) {
    throw usock::cli::Failure(usock::cli::kExitUsage, "cannot open the access log '" + *file + "'",
                              error.what());
  }
}

std::string local_time_now() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  localtime_r(&now, &parts);
  std::array<char, 64> text{};
  return std::string(text.data(),
                     std::strftime(text.data(), text.size(), "%d/%b/%Y:%H:%M:%S %z", &parts));
}

}  // namespace

AccessLog::AccessLog(const std::optional<std::string>& file)
    : logger_(std::make_shared<spdlog::logger>("access", make_sink(file))) {
  logger_->set_pattern("%v");
  logger_->set_level(spdlog::level::info);
  logger_->flush_on(spdlog::level::info);
}

void AccessLog::record(const usock::SockAddr& peer, const usock::http::RequestHead& request,
                       int status, std::uint64_t body_bytes) {
  const std::string bytes = body_bytes == 0 ? "-" : std::to_string(body_bytes);
  logger_->info("{} - - [{}] \"{} {} HTTP/1.{}\" {} {}", peer.host(), local_time_now(),
                request.method, request.target, request.minor_version, status, bytes);
}

}  // namespace userve
