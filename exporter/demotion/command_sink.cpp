#include "exporter/demotion/command_sink.h"

#include "exporter/platform/command_runner.h"

namespace ipv6ha {

CommandSink::CommandSink(std::vector<std::string> argv,
                         std::chrono::milliseconds timeout)
    : argv_(std::move(argv)), timeout_(timeout) {}

Status CommandSink::Write(int to, int from) {
  CommandSpec spec;
  spec.argv = argv_;
  spec.argv.push_back(std::to_string(to));
  spec.argv.push_back(std::to_string(from));
  spec.timeout = timeout_;
  spec.max_output_bytes = 64 * 1024;
  auto out = RunCommand(spec);
  if (!out) return out.error();
  if (out->signal != 0 || out->exit_code != 0) {
    std::string err = out->stderr_text.substr(0, 200);
    while (!err.empty() && (err.back() == '\n' || err.back() == '\r'))
      err.pop_back();
    return Error{DescribeCommand(spec.argv) + " failed with " +
                 (out->signal
                      ? "signal " + std::to_string(out->signal)
                      : "exit status " + std::to_string(out->exit_code)) +
                 (err.empty() ? "" : ": " + err)};
  }
  last_ = to;
  applied_once_ = true;
  return OkStatus();
}

Expected<std::int64_t> CommandSink::ReadBack() {
  if (!applied_once_) return Error{"sink command cannot be read back"};
  return std::int64_t{last_};
}

}  // namespace ipv6ha
