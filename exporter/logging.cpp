#include "exporter/logging.h"

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>
#include <syslog.h>

#include <ctime>
#include <nlohmann/json.hpp>

namespace ipv6ha {
namespace {

// {"ts":"2026-11-27T02:18:31.123Z","level":"info","logger":"...","msg":"..."}
class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override {
    auto secs = std::chrono::system_clock::to_time_t(msg.time);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                      msg.time.time_since_epoch()) %
                  1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char ts[40];
    std::size_t n = std::strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(ts + n, sizeof(ts) - n, ".%03dZ",
                  static_cast<int>(millis.count()));
    nlohmann::json line = {
        {"ts", ts},
        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                              spdlog::level::to_string_view(msg.level).size())},
        {"msg", std::string(msg.payload.data(), msg.payload.size())}};
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
        "\n";
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

Status SetupLogging(const LogOptions& options) {
  auto level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off") {
    return Error{"--log.level must be debug, info, warn or error, not \"" +
                 options.level + "\""};
  }
  if (options.format != "text" && options.format != "json") {
    return Error{"--log.format must be text or json, not \"" + options.format +
                 "\""};
  }
  std::shared_ptr<spdlog::logger> logger;
  if (options.target == "syslog") {
    logger = std::make_shared<spdlog::logger>(
        "ipv6_ha_exporter", std::make_shared<spdlog::sinks::syslog_sink_mt>(
                                "ipv6_ha_exporter", LOG_PID, LOG_DAEMON, true));
  } else if (options.target == "stderr") {
    logger = std::make_shared<spdlog::logger>(
        "ipv6_ha_exporter", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  } else {
    return Error{"--log.target must be stderr or syslog, not \"" +
                 options.target + "\""};
  }
  if (options.format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  }
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return OkStatus();
}

}  // namespace ipv6ha
