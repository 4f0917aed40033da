// Benchmarks of the prober (see docs/benchmarks.md, section "Prober").
//
//   prober_bench load PREFIX COUNT SECONDS
//     probes COUNT addresses PREFIX1..PREFIXn (e.g. 2001:db8:200::) once a
//     second each for SECONDS, spread over the second, and prints CPU time
//     per wall second (getrusage), max RSS and the answered share.
//   prober_bench rtt TARGET COUNT INTERVAL_MS
//     probes one target COUNT times and prints the median and percentiles.

#include <arpa/inet.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "exporter/platform/prober.h"

namespace {

using Clock = std::chrono::steady_clock;
using ipv6ha::ProbeOutcome;
using ipv6ha::Prober;
using ipv6ha::ProbeResult;
using ipv6ha::ProbeSpec;

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long MaxRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

int Load(const std::string& prefix, int count, int seconds) {
  std::vector<ProbeSpec> specs;
  for (int i = 1; i <= count; ++i) {
    char text[64];
    std::snprintf(text, sizeof text, "%s%x", prefix.c_str(), i);
    auto a = ipv6ha::ParseIpv6Address(text);
    if (!a) {
      std::fprintf(stderr, "%s\n", a.error().message.c_str());
      return 2;
    }
    ProbeSpec s;
    s.target = *a;
    specs.push_back(s);
  }
  Prober prober;
  std::atomic<long> ok{0}, failed{0}, errors{0};
  auto done = [&](const ProbeOutcome& o) {
    (o.result == ProbeResult::kSuccess   ? ok
     : o.result == ProbeResult::kFailure ? failed
                                         : errors)++;
  };
  // Warm-up: open the socket, resolve neighbours.
  prober.ProbeAll({specs[0]}, std::chrono::seconds(1));
  ok = 0;
  const double cpu0 = CpuSeconds();
  const auto start = Clock::now();
  // Every 10 ms a slice of the targets, so each target is probed once a
  // second and the load is spread evenly (a check submits its targets the
  // same way: all of one run at once).
  constexpr int kTicks = 100;
  for (int tick = 0; tick < seconds * kTicks; ++tick) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(10) * tick);
    const int slice = tick % kTicks;
    for (int i = slice * count / kTicks; i < (slice + 1) * count / kTicks;
         ++i) {
      prober.Submit(specs[i], std::chrono::milliseconds(800), done);
    }
  }
  std::this_thread::sleep_until(start + std::chrono::seconds(seconds) +
                                std::chrono::seconds(1));
  const double wall =
      std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu0;
  const long total = static_cast<long>(count) * seconds;
  std::printf(
      "targets=%d rate=%d/s duration=%ds probes=%ld answered=%ld lost=%ld "
      "errors=%ld\n",
      count, count, seconds, total, ok.load(), failed.load(), errors.load());
  std::printf(
      "cpu=%.3fs over %.1fs wall: %.2f%% of one core; max RSS %ld KiB\n", cpu,
      wall, 100 * cpu / wall, MaxRssKiB());
  std::printf("(includes this driver's own submit loop)\n");
  return ok.load() == total ? 0 : 1;
}

int Rtt(const std::string& target, int count, int interval_ms) {
  auto a = ipv6ha::ParseIpv6Address(target);
  if (!a) {
    std::fprintf(stderr, "%s\n", a.error().message.c_str());
    return 2;
  }
  ProbeSpec spec;
  spec.target = *a;
  Prober prober;
  prober.ProbeAll({spec}, std::chrono::seconds(1));  // warm-up
  std::vector<double> rtts;
  for (int i = 0; i < count; ++i) {
    const auto next = Clock::now() + std::chrono::milliseconds(interval_ms);
    auto o = prober.ProbeAll({spec}, std::chrono::seconds(1))[0];
    if (o.result == ProbeResult::kSuccess) {
      rtts.push_back(std::chrono::duration<double, std::micro>(o.rtt).count());
    }
    std::this_thread::sleep_until(next);
  }
  if (rtts.empty()) return 1;
  std::sort(rtts.begin(), rtts.end());
  auto pct = [&](double p) {
    return rtts[static_cast<std::size_t>(p * (rtts.size() - 1))];
  };
  std::printf(
      "prober: %zu/%d answered, median %.1f us, p10 %.1f us, p90 %.1f us\n",
      rtts.size(), count, pct(0.5), pct(0.1), pct(0.9));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "load") {
    return Load(argv[2], std::atoi(argv[3]), std::atoi(argv[4]));
  }
  if (argc == 5 && std::string(argv[1]) == "rtt") {
    return Rtt(argv[2], std::atoi(argv[3]), std::atoi(argv[4]));
  }
  std::fprintf(stderr,
               "usage: prober_bench load PREFIX COUNT SECONDS\n"
               "       prober_bench rtt TARGET COUNT INTERVAL_MS\n");
  return 2;
}
