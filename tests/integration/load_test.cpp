// Load on the real binary over loopback, with the DEFAULT web config (no
// max_connections tuning), bounded in time and count:
//
//  - wrk with 1,000 busy keep-alive connections against /metrics, plus 500
//    idle ones (half silent, half with an incomplete request head, each
//    re-opened as soon as the server closes it), while one separate
//    keep-alive connection scrapes every 50 ms: that connection sees no
//    error and a p99 latency under 20 ms; RSS grows by under 2 MiB over the
//    run (after a short warm-up) and stays under 8 MiB; the thread count
//    does not change; a 100 ms command check keeps its cadence: the
//    interval between run starts, as the exporter publishes them (last
//    run's end minus its duration, per run count), varies by under 10 ms.
//    The command also appends its own start time; that end-to-end figure
//    adds process start-up on a CPU that wrk saturates, and is printed and
//    bounded loosely.
//  - 500 idle half-open connections (slowloris): scrapes are still answered
//    within 50 ms, and the server drops the idle ones after its head
//    timeout.
//
// IPV6HA_LOAD_SECONDS sets the wrk duration (default 60, the figure of the
// issue; under ctest 30 unless IPV6HA_LOAD_SECONDS is set).

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/load_clients.h"
#include "tests/support/exporter_process.h"
#include "tests/support/proc_status.h"

namespace ipv6ha {
namespace {

using ::ipv6ha::testing::ClosedByServer;
using ::ipv6ha::testing::ExporterProcess;
using ::ipv6ha::testing::FreePort;
using ::ipv6ha::testing::HalfOpen;
using ::ipv6ha::testing::HttpGet;
using ::ipv6ha::testing::IdleFlood;
using ::ipv6ha::testing::RssBytes;
using ::ipv6ha::testing::RunProgram;
using ::ipv6ha::testing::ScrapeConnection;
using ::ipv6ha::testing::TempDir;
using ::ipv6ha::testing::Threads;
using ::ipv6ha::testing::WaitFor;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

int LoadSeconds() {
  const char* s = std::getenv("IPV6HA_LOAD_SECONDS");
  if (s == nullptr) s = std::getenv("IPV6HA_CTEST_LOAD_SECONDS");
  const int n = s ? std::atoi(s) : 60;
  return std::clamp(n, 1, 600);
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

// The value of the sample `name{check="cadence"}` in exposition text.
std::optional<double> CadenceSample(const std::string& text,
                                    const std::string& name) {
  const std::string key = "\n" + name + "{check=\"cadence\"} ";
  auto at = text.find(key);
  if (at == std::string::npos) return std::nullopt;
  return std::strtod(text.c_str() + at + key.size(), nullptr);
}

// Start time (Unix seconds) of each run of the cadence check, by run count,
// as the exporter publishes them: the latest run's end minus its duration.
void RecordRunStart(const std::string& text, std::map<long, double>& starts) {
  auto runs = CadenceSample(text, "ipv6_ha_check_runs_total");
  auto end = CadenceSample(text, "ipv6_ha_check_last_run_timestamp_seconds");
  auto took = CadenceSample(text, "ipv6_ha_check_duration_seconds");
  if (runs && end && took) starts[static_cast<long>(*runs)] = *end - *took;
}

class LoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    runs_file_ = (dir_.path() / "runs").string();
    auto cfg = dir_.Write(
        "c.yml",
        "listen: [\"127.0.0.1:" + std::to_string(port_) +
            "\"]\n"
            "node: {name: load}\n"
            "role: {source: static, static: master}\n"
            "checks:\n"
            "  cadence: {type: command, argv: [/bin/sh, -c, 'date +%s%N >> " +
            runs_file_ + "'], interval: 100ms, timeout: 1s}\n");
    exporter_ = std::make_unique<ExporterProcess>(
        std::vector<std::string>{"--config", cfg});
    ASSERT_TRUE(exporter_->WaitReady(port_)) << exporter_->Log();
  }

  // Runs wrk; returns its output.
  std::string Wrk(int connections, int seconds) {
    auto r = RunProgram(
        {"/usr/bin/wrk", "-t2", "-c" + std::to_string(connections),
         "-d" + std::to_string(seconds) + "s", "--timeout", "5s", "--latency",
         "http://127.0.0.1:" + std::to_string(port_) + "/metrics"},
        std::chrono::seconds(seconds + 30));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  // Start times (ns) the cadence check wrote, within [from, to]
  // (CLOCK_REALTIME).
  std::vector<long long> RunStarts(long long from_ns, long long to_ns) {
    std::ifstream in(runs_file_);
    std::vector<long long> out;
    long long t;
    while (in >> t) {
      if (t >= from_ns && t <= to_ns) out.push_back(t);
    }
    return out;
  }

  TempDir dir_;
  int port_ = 0;
  std::string runs_file_;
  std::unique_ptr<ExporterProcess> exporter_;
};

long long NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(
    LoadTest,
    ThousandBusyAndFiveHundredIdleLeaveScrapesFastMemoryFlatAndCadenceSteady) {
  const int seconds = LoadSeconds();
  // A short warm-up with as many connections, so RSS then measures what the
  // load leaves behind, not the first use of the allocator's arenas.
  Wrk(1500, 3);
  ASSERT_TRUE(WaitFor(
      [&] { return HttpGet("127.0.0.1", port_, "/-/healthy").has_value(); },
      10s));
  const long rss_before = RssBytes(exporter_->pid());
  const long threads_before = Threads(exporter_->pid());
  IdleFlood idle(port_, 500);
  long rss_peak = 0, threads_peak = 0;

  std::string wrk_out;
  std::atomic<bool> wrk_done{false};
  const long long load_from = NowNs();
  std::thread load([&] {
    wrk_out = Wrk(1000, seconds);
    wrk_done = true;
  });
  std::vector<double> latencies_ms;
  int errors = 0;
  std::map<long, double> run_starts;
  ScrapeConnection scraper(port_);
  std::this_thread::sleep_for(500ms);  // let wrk open its connections first
  while (!wrk_done) {
    const auto start = Clock::now();
    if (scraper.Scrape()) {
      RecordRunStart(scraper.body(), run_starts);
    } else {
      ++errors;
    }
    latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - start)
            .count());
    rss_peak = std::max(rss_peak, RssBytes(exporter_->pid()));
    threads_peak = std::max(threads_peak, Threads(exporter_->pid()));
    std::this_thread::sleep_until(start + 50ms);
  }
  load.join();
  const long long load_to = NowNs();

  // RSS once the load has stopped and the last connections are closed.
  std::this_thread::sleep_for(1s);
  const long rss_after = RssBytes(exporter_->pid());

  // Cadence as the scheduler kept it: consecutive runs seen by the scraper.
  std::vector<double> jitter_ms;
  for (auto it = run_starts.begin(); it != run_starts.end(); ++it) {
    auto next = std::next(it);
    if (next == run_starts.end() || next->first != it->first + 1) continue;
    jitter_ms.push_back(std::abs((next->second - it->second) * 1000.0 - 100.0));
  }
  // End to end: when the command itself started.
  const auto starts =
      RunStarts(load_from + 1'000'000'000LL, load_to - 500'000'000LL);
  std::vector<double> e2e_jitter_ms;
  for (std::size_t i = 1; i < starts.size(); ++i) {
    e2e_jitter_ms.push_back(
        std::abs((starts[i] - starts[i - 1]) / 1e6 - 100.0));
  }

  const double p50 = Percentile(latencies_ms, 0.50),
               p99 = Percentile(latencies_ms, 0.99);
  const double growth_mib = (rss_after - rss_before) / 1048576.0;
  const double jitter_p99 = Percentile(jitter_ms, 0.99);
  const double jitter_max = Percentile(jitter_ms, 1.0);
  std::smatch m;
  std::string rps =
      std::regex_search(wrk_out, m, std::regex("Requests/sec:\\s+([0-9.]+)"))
          ? m[1].str()
          : "?";
  std::printf(
      "load: %d s, wrk %s req/s; scraper %zu scrapes, %d errors, %d "
      "reconnects, "
      "p50 %.2f ms, p99 %.2f ms, max %.2f ms; RSS %.2f -> %.2f MiB (growth "
      "%.3f MiB); "
      "peak %.2f MiB; threads %ld, peak %ld; 500 idle, re-opened %d; "
      "cadence %zu intervals, jitter p99 %.2f ms, max %.2f ms; end to end %zu "
      "runs, "
      "jitter p99 %.2f ms, max %.2f ms\n",
      seconds, rps.c_str(), latencies_ms.size(), errors, scraper.reconnects(),
      p50, p99, Percentile(latencies_ms, 1.0), rss_before / 1048576.0,
      rss_after / 1048576.0, growth_mib, rss_peak / 1048576.0, threads_before,
      threads_peak, idle.reopened(), jitter_ms.size(), jitter_p99, jitter_max,
      starts.size(), Percentile(e2e_jitter_ms, 0.99),
      Percentile(e2e_jitter_ms, 1.0));
  std::printf("%s\n", wrk_out.c_str());
  RecordProperty("scrape_p99_ms", std::to_string(p99));
  RecordProperty("rss_growth_mib", std::to_string(growth_mib));
  RecordProperty("jitter_max_ms", std::to_string(jitter_max));

  EXPECT_EQ(errors, 0);
  EXPECT_GE(latencies_ms.size(), static_cast<std::size_t>(seconds * 10));
  EXPECT_GE(starts.size(), static_cast<std::size_t>((seconds - 2) * 9));
  EXPECT_GE(jitter_ms.size(), static_cast<std::size_t>(seconds * 5));
  // The targets.
  EXPECT_LT(p99, 20.0);
  EXPECT_LT(growth_mib, 2.0);
  // The 8 MiB for the daemon as the release build links it
  // (measured peak 5.9-6.2 MiB); 12 MiB when it loads its libraries shared
  // (idle 8.5-9.9 MiB, peak 10.5: docs/benchmarks.md). civetweb with the
  // workers this flood needed peaked at 58 MiB.
#if IPV6HA_SMALL_FOOTPRINT
  EXPECT_LE(rss_peak, 8L << 20);
#else
  EXPECT_LT(rss_peak, 12L << 20);
#endif
  EXPECT_LE(threads_before, 16);
  EXPECT_EQ(threads_peak, threads_before) << "the flood made threads";
  EXPECT_LT(jitter_max, 10.0);
  // Process start-up on a saturated CPU: a regression guard only.
  EXPECT_LT(Percentile(e2e_jitter_ms, 1.0), 250.0);
  EXPECT_EQ(wrk_out.find("Non-2xx"), std::string::npos) << wrk_out;
  EXPECT_TRUE(exporter_->Running());
}

TEST_F(LoadTest, FiveHundredHalfOpenConnectionsDoNotDelayScrapes) {
  std::vector<int> idle;
  struct Closer {
    std::vector<int>& fds;
    ~Closer() {
      for (int fd : fds) close(fd);
    }
  } closer{idle};
  for (int i = 0; i < 500; ++i) {
    int fd = HalfOpen(port_);
    ASSERT_GE(fd, 0) << "connection " << i;
    idle.push_back(fd);
  }
  std::this_thread::sleep_for(200ms);  // let the server accept them all
  std::vector<double> ms;
  for (int i = 0; i < 40; ++i) {
    const auto start = Clock::now();
    auto r = HttpGet("127.0.0.1", port_, "/metrics", "", 2s);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start)
                     .count());
    ASSERT_TRUE(r && r->status == 200) << "scrape " << i;
    std::this_thread::sleep_for(20ms);
  }
  const double worst = Percentile(ms, 1.0);
  std::printf("slowloris: 500 half-open; 40 scrapes p50 %.2f ms, max %.2f ms\n",
              Percentile(ms, 0.5), worst);
  RecordProperty("slowloris_worst_scrape_ms", std::to_string(worst));
  EXPECT_LT(worst, 50.0);
  // The head timeout (5 s) closes the idle connections.
  EXPECT_TRUE(WaitFor(
      [&] {
        return std::all_of(idle.begin(), idle.end(),
                           [](int fd) { return ClosedByServer(fd); });
      },
      10s))
      << "idle half-open connections were not closed by the server";
}

}  // namespace
}  // namespace ipv6ha
