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
  // Runs at shutdown too: the withdraw comes after checks are stopped.
  spec.purpose = CommandPurpose::kAct;
  auto out = RunCommand(spec);
  if (!out) return out.error();
  if (auto failed = DescribeFailure(spec.argv, *out); !failed.empty())
    return Error{std::move(failed)};
  last_ = to;
  applied_once_ = true;
  return OkStatus();
}

Expected<std::int64_t> CommandSink::ReadBack() {
  if (!applied_once_) return Error{"sink command cannot be read back"};
  return std::int64_t{last_};
}

}  // namespace ipv6ha
