#include "checks/probe/probe_method.h"

#include <algorithm>

namespace ipv6ha {

Expected<int> ParseProbeMethod(const std::string& method) {
  if (method == "icmp") return 0;
  if (method.rfind("tcp:", 0) == 0) {
    const std::string port = method.substr(4);
    if (!port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(),
                    [](char ch) { return ch >= '0' && ch <= '9'; })) {
      const int p = std::stoi(port);
      if (p >= 1 && p <= 65535) return p;
    }
  }
  return Error{"must be icmp or tcp:PORT (1-65535), not \"" + method + "\""};
}

std::chrono::nanoseconds ProbeWaitFor(
    std::chrono::steady_clock::time_point deadline,
    std::chrono::steady_clock::time_point now, Duration timeout) {
  // 10% of the timeout, at least 10 ms and at most 50 ms, for sending the
  // probes, waking up and publishing the result on a busy machine.
  const auto margin = std::clamp<std::chrono::nanoseconds>(
      timeout / 10, std::chrono::milliseconds(10),
      std::chrono::milliseconds(50));
  const auto left = std::min<std::chrono::nanoseconds>(deadline - now, timeout);
  return std::max<std::chrono::nanoseconds>(left - margin,
                                            std::chrono::milliseconds(1));
}

}  // namespace ipv6ha
