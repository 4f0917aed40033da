// The OPNsense CARP service status hook as OPNsense runs it:
// rc.carp_service_status.d asks the exporter whether the controller wants to
// demote (its status file, else GET /api/v1/status). The rc.syshook.d/carp
// hook has its own test (carp_syshook_test).
//
// The status script is first run against a canned status server and canned
// status files (both JSON readers: jq and the awk fallback), then against the
// real exporter, also with TLS and basic auth on its HTTP API.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "checks/check_registry.h"
#include "tests/integration/carp_status_exporter.h"
#include "tests/support/exporter_process.h"
#include "tests/support/loopback_listener.h"

namespace ipv6ha {
namespace {

using testing::CarpServiceStatusAgainstExporter;
using testing::RunProgram;
using testing::RunResult;
using testing::TempDir;

const std::string kStatusScript =
    std::string(IPV6HA_SOURCE_DIR) +
    "/rc.d/opnsense/rc.carp_service_status.d/ipv6_ha_exporter";

// Answers every request on 127.0.0.1:port() with `body` as JSON.
class CannedStatusServer {
 public:
  explicit CannedStatusServer(std::string body) : body_(std::move(body)) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 8);
    thread_ = std::thread([this] { Serve(); });
  }
  ~CannedStatusServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  CannedStatusServer(const CannedStatusServer&) = delete;
  CannedStatusServer& operator=(const CannedStatusServer&) = delete;
  int port() const { return port_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      char buf[4096];
      recv(client, buf, sizeof(buf), 0);  // one small GET
      const std::string reply =
          "HTTP/1.0 200 OK\r\nContent-Type: "
          "application/json\r\nContent-Length: " +
          std::to_string(body_.size()) + "\r\n\r\n" + body_;
      send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
      close(client);
    }
  }

  std::string body_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A status file path that does not exist: the script then asks HTTP, and a
// status file of a real exporter on the test machine never interferes.
const std::string kNoStatusFile = "/nonexistent/ipv6_ha_exporter/status.json";

// `status_file` is IPV6_HA_EXPORTER_STATUS_FILE ("" = none: HTTP only);
// `env` adds NAME=value pairs.
RunResult RunStatusScript(int port, bool use_jq,
                          const std::string& status_file = kNoStatusFile,
                          const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv = {
      "/usr/bin/env",
      "IPV6_HA_EXPORTER_URL=http://127.0.0.1:" + std::to_string(port),
      "IPV6_HA_EXPORTER_TIMEOUT=2",
      "IPV6_HA_EXPORTER_STATUS_FILE=" + status_file};
  if (!use_jq) argv.push_back("IPV6_HA_EXPORTER_NO_JQ=1");
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back("/bin/sh");
  argv.push_back(kStatusScript);
  return RunProgram(argv, std::chrono::seconds(10));
}

std::string StatusWithDesired(int desired) {
  return R"({"node": "fw1", "role": "master", "checks": [{"name": "radvd", "status": "fail",)"
         R"( "details": {"desired": 7}}], "controller": {"enabled": true,)"
         R"( "contributions": {"radvd": {"weight": 60}}, "desired": )" +
         std::to_string(desired) + R"(, "applied": 0}})";
}

class CarpServiceStatus : public ::testing::TestWithParam<bool> {};

TEST_P(CarpServiceStatus, HealthyControllerExitsZero) {
  CannedStatusServer server(StatusWithDesired(0));
  auto r = RunStatusScript(server.port(), GetParam());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("healthy"), std::string::npos) << r.out;
}

TEST_P(CarpServiceStatus, ControllerWantingToDemoteExitsNonZero) {
  CannedStatusServer server(StatusWithDesired(60));
  auto r = RunStatusScript(server.port(), GetParam());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("demote this node by 60"), std::string::npos) << r.out;
}

// The exporter's own carp_sysctl sink and this script never both act: with
// that sink the script stays out, says why, and logs it.
std::string StatusWithSink(int desired, const std::string& sink) {
  std::string s = StatusWithDesired(desired);
  s.insert(s.rfind(R"("desired": )"), R"("sink": ")" + sink + R"(", )");
  return s;
}

TEST_P(CarpServiceStatus, CarpSysctlSinkKeepsTheScriptOutAndLogsWhy) {
  CannedStatusServer server(StatusWithSink(60, "carp_sysctl"));
  testing::TempDir dir;
  const std::string log = (dir.path() / "logged").string();
  const std::string logger = dir.Write(
      "logger", "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + log + "'\n");
  chmod(logger.c_str(), 0755);
  auto r = RunStatusScript(server.port(), GetParam(), kNoStatusFile,
                           {"IPV6_HA_EXPORTER_LOGGER=" + logger});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("carp_sysctl sink applies its demotion itself"),
            std::string::npos)
      << r.out;
  std::ifstream in(log);
  std::string logged((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(logged.find("-t ipv6_ha_exporter -p daemon.notice -- "
                        "rc.carp_service_status.d: the exporter's carp_sysctl "
                        "sink"),
            std::string::npos)
      << logged;
}

TEST_P(CarpServiceStatus, SinkNoneLeavesTheDemotionToTheScript) {
  CannedStatusServer server(StatusWithSink(60, "none"));
  auto r = RunStatusScript(server.port(), GetParam());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("demote this node by 60"), std::string::npos) << r.out;
}

// A dry run, or a controller switched off, still publishes what it would
// do: the script must not turn that into OPNsense's demotion.
TEST_P(CarpServiceStatus, DryRunOrDisabledControllerDoesNotDemote) {
  for (const std::string& off :
       {R"("dry_run": true, )", R"("enabled": false, )"}) {
    std::string s = StatusWithDesired(60);
    s.replace(s.find(R"("enabled": true,)"), 16, off.substr(0, off.size() - 1));
    CannedStatusServer server(s);
    auto r = RunStatusScript(server.port(), GetParam());
    EXPECT_EQ(r.exit_code, 0) << off << r.out << r.err;
    EXPECT_NE(r.out.find("would demote this node by 60"), std::string::npos)
        << off << r.out;
  }
}

TEST_P(CarpServiceStatus, StatusWithoutControllerDoesNotDemote) {
  CannedStatusServer server(R"({"node": "fw1", "checks": []})");
  auto r = RunStatusScript(server.port(), GetParam());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_P(CarpServiceStatus, UnreachableExporterDoesNotDemote) {
  const int port = testing::FreePort();  // nothing listens there
  auto r = RunStatusScript(port, GetParam());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("not demoting"), std::string::npos) << r.out;
}

long long UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What the daemon writes: the status document plus its write time.
std::string StatusFileWithDesired(int desired, long long written_at_unix) {
  auto doc = nlohmann::json::parse(StatusWithDesired(desired));
  doc["written_at"] = "2026-01-01T00:00:00Z";
  doc["written_at_unix"] = written_at_unix;
  return doc.dump(2) + "\n";
}

TEST_P(CarpServiceStatus, FreshStatusFileIsReadInsteadOfHttp) {
  CannedStatusServer server(StatusWithDesired(0));
  TempDir dir;
  const std::string file =
      dir.Write("status.json", StatusFileWithDesired(60, UnixNow()));
  auto r = RunStatusScript(server.port(), GetParam(), file);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("demote this node by 60"), std::string::npos) << r.out;
}

TEST_P(CarpServiceStatus, FreshHealthyStatusFileNeedsNoHttp) {
  TempDir dir;
  const std::string file =
      dir.Write("status.json", StatusFileWithDesired(0, UnixNow()));
  auto r = RunStatusScript(testing::FreePort(), GetParam(), file);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("healthy"), std::string::npos) << r.out;
}

TEST_P(CarpServiceStatus, StaleStatusFileCountsAsExporterNotRunning) {
  // A daemon killed while it wanted to demote leaves that answer behind.
  CannedStatusServer server(StatusWithDesired(60));
  TempDir dir;
  for (long long written : {UnixNow() - 30, UnixNow() + 3600}) {
    const std::string file =
        dir.Write("status.json", StatusFileWithDesired(60, written));
    auto r = RunStatusScript(server.port(), GetParam(), file);
    EXPECT_EQ(r.exit_code, 0) << written << ": " << r.out << r.err;
    EXPECT_NE(r.out.find("stale"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("not demoting"), std::string::npos) << r.out;
  }
}

TEST_P(CarpServiceStatus, MaximumAgeOfTheStatusFileIsAdjustable) {
  TempDir dir;
  const std::string file =
      dir.Write("status.json", StatusFileWithDesired(60, UnixNow() - 30));
  auto r = RunStatusScript(testing::FreePort(), GetParam(), file,
                           {"IPV6_HA_EXPORTER_STATUS_MAX_AGE=60"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
}

TEST_P(CarpServiceStatus, GarbledStatusFileDoesNotDemote) {
  CannedStatusServer server(StatusWithDesired(60));
  const std::string whole = StatusFileWithDesired(60, UnixNow());
  nlohmann::json no_time = nlohmann::json::parse(StatusWithDesired(60));
  nlohmann::json string_time = nlohmann::json::parse(whole);
  string_time["written_at_unix"] = std::to_string(UnixNow());
  const std::vector<std::string> garbage = {
      "",
      "not json at all\n",
      "\x7f\x45\x4c\x46\x02\x01\x01",
      whole.substr(0, whole.size() - 3),  // cut before the closing brace
      whole + whole,                      // two documents
      no_time.dump(),
      string_time.dump(),
      "[" + whole + "]",
  };
  TempDir dir;
  for (const auto& content : garbage) {
    const std::string file = dir.Write("status.json", content);
    auto r = RunStatusScript(server.port(), GetParam(), file);
    EXPECT_EQ(r.exit_code, 0) << "content: " << content << "\n"
                              << r.out << r.err;
    EXPECT_NE(r.out.find("not demoting"), std::string::npos)
        << "content: " << content << "\n"
        << r.out;
  }
}

TEST_P(CarpServiceStatus, NoStatusFileConfiguredUsesHttp) {
  CannedStatusServer server(StatusWithDesired(60));
  auto r = RunStatusScript(server.port(), GetParam(), /*status_file=*/"");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
}

INSTANTIATE_TEST_SUITE_P(JsonReaders, CarpServiceStatus,
                         ::testing::Values(true, false), [](const auto& info) {
                           return info.param ? "jq" : "awk";
                         });

TEST_F(CarpServiceStatusAgainstExporter, HealthyExporterExitsZero) {
  Start("/bin/true");
  ASSERT_TRUE(WaitForCheck("ok")) << Status().dump();
  auto r = RunStatusScript(port_, /*use_jq=*/true);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(CarpServiceStatusAgainstExporter, ExporterWantingToDemoteExitsNonZero) {
  if (FindCheckType("peer_reachability") == nullptr) {
    GTEST_SKIP() << "check type peer_reachability not in this build";
  }
  Start("/bin/false", /*with_peer=*/true);
  ASSERT_TRUE(WaitForCheck("fail")) << Status().dump();
  if (!Status()["controller"].contains("desired")) {
    GTEST_SKIP() << "this build's status has no controller.desired yet";
  }
  ASSERT_TRUE(testing::WaitFor(
      [&] { return Status()["controller"].value("desired", 0) > 0; },
      std::chrono::seconds(10)))
      << Status().dump();
  for (bool use_jq : {true, false}) {
    auto r = RunStatusScript(port_, use_jq);
    EXPECT_EQ(r.exit_code, 1) << (use_jq ? "jq: " : "awk: ") << r.out << r.err;
  }
}

// With TLS and basic auth on the API the script has no way in over HTTP
// (and no password to try): the status file is what keeps it working.
TEST_F(CarpServiceStatusAgainstExporter, SecuredExporterHealthyExitsZero) {
  Start("/bin/true", /*with_peer=*/false, /*secured=*/true);
  ASSERT_TRUE(WaitForCheck("ok")) << Status().dump();
  for (bool use_jq : {true, false}) {
    auto r = RunStatusScript(port_, use_jq, status_file_);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("healthy (controller.desired 0)"), std::string::npos)
        << r.out;
  }
}

TEST_F(CarpServiceStatusAgainstExporter,
       SecuredExporterWantingToDemoteExitsNonZero) {
  if (FindCheckType("peer_reachability") == nullptr) {
    GTEST_SKIP() << "check type peer_reachability not in this build";
  }
  Start("/bin/false", /*with_peer=*/true, /*secured=*/true);
  ASSERT_TRUE(WaitForCheck("fail")) << Status().dump();
  ASSERT_TRUE(testing::WaitFor(
      [&] { return Status()["controller"].value("desired", 0) > 0; },
      std::chrono::seconds(10)))
      << Status().dump();
  for (bool use_jq : {true, false}) {
    auto r = RunStatusScript(port_, use_jq, status_file_);
    EXPECT_EQ(r.exit_code, 1) << (use_jq ? "jq: " : "awk: ") << r.out << r.err;
    EXPECT_NE(r.out.find("wants to demote this node by 60"), std::string::npos)
        << r.out;
  }
  // The same over plain HTTP without credentials: what broke before.
  auto http_only = RunStatusScript(port_, true, /*status_file=*/"");
  EXPECT_EQ(http_only.exit_code, 0) << http_only.out << http_only.err;
  EXPECT_NE(http_only.out.find("no status from"), std::string::npos)
      << http_only.out;

  // kill -9: the last answer (demote) stays in the file, and goes stale.
  exporter_->Signal(SIGKILL);
  ASSERT_TRUE(testing::WaitFor([&] { return !exporter_->Running(); },
                               std::chrono::seconds(5)));
  ASSERT_TRUE(std::filesystem::exists(status_file_));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  for (bool use_jq : {true, false}) {
    auto r = RunStatusScript(port_, use_jq, status_file_,
                             {"IPV6_HA_EXPORTER_STATUS_MAX_AGE=1"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("stale"), std::string::npos) << r.out;
  }
}

TEST_F(CarpServiceStatusAgainstExporter,
       SecuredExporterStoppedCleanlyExitsZero) {
  Start("/bin/true", /*with_peer=*/false, /*secured=*/true);
  ASSERT_TRUE(WaitForCheck("ok")) << Status().dump();
  EXPECT_EQ(exporter_->Stop(), 0) << exporter_->Log();
  EXPECT_FALSE(std::filesystem::exists(status_file_));
  // No file: the script asks HTTP, where nobody answers.
  auto r = RunStatusScript(port_, true, status_file_);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("no status from"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ipv6ha
