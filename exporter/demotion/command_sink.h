#pragma once

// Sink `command`: runs `demotion.command` (argv, absolute path first) with
// two more arguments, the new and the old contribution, through RunCommand.
// Exit status 0 means applied. The program should be idempotent on the new
// value: after a crash it may be run again with the same one.

#include <chrono>
#include <string>
#include <vector>

#include "exporter/demotion/demotion_sink.h"

namespace ipv6ha {

class CommandSink : public DemotionValue {
 public:
  CommandSink(std::vector<std::string> argv, std::chrono::milliseconds timeout);
  Status Write(int to, int from) override;
  Expected<std::int64_t> ReadBack() override;

 private:
  std::vector<std::string> argv_;
  std::chrono::milliseconds timeout_;
  int last_ = 0;
  bool applied_once_ = false;
};

}  // namespace ipv6ha
