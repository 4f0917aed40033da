// Hostile and unlucky input against the real binary: config paths that are
// FIFOs or devices, configs start-up would refuse, bytes that are not UTF-8
// in files and program output, a peer that nests its reply 200,000 deep or
// lies in it, and requests with two Authorization headers. Each case once
// crashed, hung or silently misconfigured the daemon (docs/reliability.md).

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/support/exporter_process.h"
#include "tests/support/fake_http_server.h"

namespace ipv6ha::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string Listen(int port) {
  return "listen: \"127.0.0.1:" + std::to_string(port) + "\"\n";
}

constexpr char kRole[] = "role: {source: static, static: master}\n";

RunResult CheckConfig(const std::string& path,
                      std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {IPV6HA_BINARY, "--config", path,
                                   "--check-config"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return RunProgram(argv, 10s);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class HostileInputTest : public ::testing::Test {
 protected:
  TempDir dir_;
  int port_ = FreePort();
};

// A FIFO, a device behind a symlink or a 50 MB file as the config: refused
// at once by --check-config and by `check`, without reading or waiting.
TEST_F(HostileInputTest, ConfigThatIsNotASmallRegularFileIsRefusedAtOnce) {
  const std::string fifo = (dir_.path() / "fifo.yml").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string zero = (dir_.path() / "zero.yml").string();
  const std::string random = (dir_.path() / "random.yml").string();
  std::filesystem::create_symlink("/dev/zero", zero);
  std::filesystem::create_symlink("/dev/urandom", random);
  for (const std::string& path : {fifo, zero, random}) {
    const auto start = Clock::now();
    auto r = CheckConfig(path);
    EXPECT_EQ(r.exit_code, 1) << path << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(path + ": not a regular file"), std::string::npos)
        << r.err;
    auto check = RunProgram({IPV6HA_BINARY, "check", "--config", path}, 10s);
    EXPECT_EQ(check.exit_code, 3) << path << ": " << check.err;
    EXPECT_LT(Clock::now() - start, 5s) << path;
  }
  const std::string big = (dir_.path() / "big.yml").string();
  std::ofstream(big) << std::string(50 << 20, '#');
  auto r = CheckConfig(big);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is 52428800 bytes, more than the 1048576 allowed"),
            std::string::npos)
      << r.err;
  auto web = CheckConfig(dir_.Write("c.yml", Listen(port_)),
                         {"--web.config.file", fifo});
  EXPECT_EQ(web.exit_code, 1);
  EXPECT_NE(web.err.find("not a regular file"), std::string::npos) << web.err;
}

// What --check-config called valid and the daemon then refused (or ran
// with silently): now refused by both, with file, line and column.
TEST_F(HostileInputTest, CheckConfigRefusesWhatStartUpWouldRefuse) {
  const std::string garbage_cert =
      dir_.Write("garbage.pem", "not a certificate\n");
  const std::string cert = (dir_.path() / "cert.pem").string();
  const std::string key = (dir_.path() / "key.pem").string();
  const std::string other_key = (dir_.path() / "other.pem").string();
  for (const std::string& k : {key, other_key}) {
    auto made = RunProgram(
        {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", k, "-out",
         k == key ? cert : k + ".crt", "-days", "1", "-subj", "/CN=127.0.0.1"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  const auto tls = [](const std::string& c, const std::string& k) {
    return "web:\n  tls_server_config:\n    cert_file: " + c +
           "\n    key_file: " + k + "\n";
  };
  const struct {
    const char* name;
    std::string yaml;
    const char* reason;
  } cases[] = {
      {"listen_garbage", "listen: garbage\n", "listen address \"garbage\""},
      {"listen_empty", "listen: []\n", "listen must name at least one address"},
      {"listen_port", "listen: \":99999\"\n", "listen address \":99999\""},
      {"listen_ipv4", "listen: \"999.1.1.1:80\"\n",
       "listen address \"999.1.1.1:80\""},
      {"cert_missing", Listen(port_) + tls("/nonexistent/c.pem", key),
       "cert_file /nonexistent/c.pem: cannot open"},
      {"cert_garbage", Listen(port_) + tls(garbage_cert, key),
       "no PEM certificate in it"},
      {"key_mismatch", Listen(port_) + tls(cert, other_key),
       "the key does not match the certificate"},
      {"bcrypt_cost_31",
       Listen(port_) +
           "web:\n  basic_auth_users:\n    p: "
           "\"$2y$31$xumqdkfGhQownvkdC99eF.eA/dSO6MaqCec2nNX4BpLa39tL9q462\"\n",
       "bcrypt cost 31"},
      {"duplicate_key", Listen(port_) + "demotion:\n  fall: 3\n  fall: 100\n",
       "key \"fall\" is given twice"},
      {"duplicate_check",
       Listen(port_) + "checks:\n  a: {type: command, argv: [/bin/true]}\n"
                       "  a: {type: command, argv: [/bin/false]}\n",
       "key \"a\" is given twice"},
      {"two_documents", Listen(port_) + "---\nnode: {name: fw9}\n",
       "a second YAML document"},
      {"raw_byte_in_node_name", Listen(port_) + "node: {name: \"fw\xff\"}\n",
       "byte 0xFF is not UTF-8"},
      {"poll_interval_16000w",
       Listen(port_) + "role: {poll_interval: 16000w}\n",
       "must be between 0s and 52w"},
      {"track_file_is_state_file",
       Listen(port_) +
           "demotion:\n  sink: keepalived_track_file\n  track_file: " +
           (dir_.path() / "d").string() +
           "\n  state_file: " + (dir_.path() / "d").string() + "\n",
       "must not be the same file as demotion.state_file"},
  };
  for (const auto& c : cases) {
    const std::string file = dir_.Write(std::string(c.name) + ".yml", c.yaml);
    auto r = CheckConfig(file);
    EXPECT_EQ(r.exit_code, 1) << c.name << ": " << r.out << r.err;
    EXPECT_TRUE(std::regex_search(
        r.err, std::regex(std::string(c.name) + "\\.yml:[0-9]+:[0-9]+: ")))
        << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.reason), std::string::npos)
        << c.name << ": " << r.err;
    // Start-up refuses the same file with the same words.
    auto start = RunProgram({IPV6HA_BINARY, "--config", file}, 10s);
    EXPECT_EQ(start.exit_code, 1) << c.name << ": " << start.err;
    EXPECT_NE(start.err.find(c.reason), std::string::npos)
        << c.name << ": " << start.err;
  }
  const std::string good =
      dir_.Write("good.yml", Listen(port_) + tls(cert, key));
  auto ok = CheckConfig(good);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// SIGHUP with the config replaced by a FIFO used to block the signal loop
// in open(): later SIGHUPs and SIGTERM were ignored and the demotion never
// withdrawn. Now the reload fails at once and SIGTERM is served in 2 s.
TEST_F(HostileInputTest, SigtermIsServedWithin2sAfterAReloadFromAFifo) {
  const std::string track = (dir_.path() / "demote").string();
  const std::string config = dir_.Write(
      "c.yml", Listen(port_) +
                   "role: {source: static, static: backup}\n"
                   "peer: {name: fw2}\n"
                   "checks:\n  a: {type: command, argv: [/bin/false], "
                   "interval: 100ms, weight: 50}\n"
                   "demotion:\n  sink: keepalived_track_file\n"
                   "  track_file: " +
                   track +
                   "\n  state_file: " + (dir_.path() / "state.json").string() +
                   "\n  fall: 1\n  rise: 1\n  hold_down: 0s\n");
  ExporterProcess p({"--config", config});
  ASSERT_TRUE(p.WaitReady(port_)) << p.Log();
  ASSERT_TRUE(WaitFor(
      [&] { return ReadText(track) == "50\n" || ReadText(track) == "50"; }, 5s))
      << ReadText(track) << p.Log();
  const std::string fifo = (dir_.path() / "fifo").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::filesystem::rename(fifo, config);
  p.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor(
      [&] { return p.Log().find("not a regular file") != std::string::npos; },
      5s))
      << p.Log();
  p.Signal(SIGHUP);  // a later SIGHUP is served too
  ASSERT_TRUE(WaitFor(
      [&] {
        const std::string log = p.Log();
        const auto first = log.find("configuration reload failed");
        return first != std::string::npos &&
               log.find("configuration reload failed", first + 1) !=
                   std::string::npos;
      },
      5s))
      << p.Log();
  const auto start = Clock::now();
  EXPECT_EQ(p.Stop(2s), 0) << p.Log();
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_EQ(std::stoi("0" + ReadText(track)), 0) << "demotion not withdrawn";
}

// One byte that is not UTF-8 in a pds file or in a program's output once
// aborted the daemon in the status document's JSON dump (about 1 s after
// start with status_file set).
TEST_F(HostileInputTest, InvalidUtf8FromFilesAndProgramsNeverReachesJson) {
  const std::string pds = dir_.Write(
      "pds.json",
      "{\"0\": {\"prefix\": \"2001:db8:1::/56\", \"interface\": \"ig\xff\xfe"
      "0\"}}\n");
  const std::string broken =
      dir_.Write("broken.json", "{\"0\": {\"interface\": ig\xff\xfe}}");
  const std::string status_file = (dir_.path() / "status.json").string();
  const std::string config = dir_.Write(
      "c.yml", Listen(port_) + kRole + "status_file: " + status_file +
                   "\nchecks:\n"
                   "  pds: {type: prefix_freshness, pds_file: " +
                   pds +
                   ", interval: 200ms}\n"
                   "  broken: {type: prefix_freshness, pds_file: " +
                   broken +
                   ", interval: 200ms}\n"
                   "  binary: {type: command, argv: [/usr/bin/printf, 'up "
                   "\\377\\376\\n'], "
                   "interval: 200ms}\n");
  ExporterProcess p({"--config", config});
  ASSERT_TRUE(p.WaitReady(port_, "/-/ready")) << p.Log();
  // Several status file writes and status requests after every check ran.
  std::string last_written;
  int writes = 0;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto doc = nlohmann::json::parse(ReadText(status_file), nullptr, false);
        if (doc.is_discarded() || !doc.contains("written_at")) return false;
        const std::string at =
            doc["written_at"].get<std::string>() +
            std::to_string(doc["checks"][0].value("runs", 0));
        if (at != last_written) ++writes;
        last_written = at;
        return writes >= 3;
      },
      10s))
      << p.Log();
  ASSERT_TRUE(p.Running()) << p.Log();
  auto r = HttpGet("127.0.0.1", port_, "/api/v1/status");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto doc = nlohmann::json::parse(r->body);  // valid UTF-8 JSON
  const std::string replaced = "\xEF\xBF\xBD";
  EXPECT_EQ(doc["checks"][0]["status"], "ok") << doc["checks"][0].dump();
  EXPECT_NE(
      doc["checks"][0]["details"].dump().find("ig" + replaced + replaced + "0"),
      std::string::npos);
  EXPECT_EQ(doc["checks"][1]["status"], "unknown");
  EXPECT_EQ(doc["checks"][2]["summary"], "up " + replaced + replaced);
  auto metrics = HttpGet("127.0.0.1", port_, "/metrics");
  ASSERT_TRUE(metrics && metrics->status == 200);
  EXPECT_EQ(metrics->body.find("\xff"), std::string::npos);
  EXPECT_EQ(p.Stop(), 0) << p.Log();
}

// A peer reply nested 200,000 deep (400 KB, under the 1 MiB limit) once
// overflowed the stack of a scheduler worker; a peer that claimed a
// negative demotion or "MASTER" counted as a ready peer.
TEST_F(HostileInputTest, HostilePeerRepliesAreUnknownAndNeverCrash) {
  const std::size_t depth = 200000;
  const struct {
    std::string body;
    const char* reason;
  } cases[] = {
      {R"({"role":"master","ready":true,"junk":)" + std::string(depth, '[') +
           std::string(depth, ']') + "}",
       "nests objects and arrays deeper than 32 levels"},
      {R"({"role":"master","ready":true,"controller":{"desired":-240}})",
       "controller \"desired\" must not be negative (-240)"},
      {R"({"role":"MASTER","ready":true})", "\"role\" is \"MASTER\""},
      {R"({"role":"backup","ready":true,"checks":[{"name":"x","weight":-5}]})",
       "checks[0] \"weight\" must not be negative"},
  };
  for (const auto& c : cases) {
    FakeHttpServer peer(FakeHttpServer::Mode::kReply,
                        FakeHttpServer::JsonReply(c.body));
    const int port = FreePort();
    const std::string config = dir_.Write(
        "c.yml", Listen(port) + kRole + "peer: {name: fw2, api: \"" +
                     peer.url() +
                     "\"}\nchecks:\n  peer_reachability: {interval: 200ms}\n");
    ExporterProcess p({"--config", config});
    ASSERT_TRUE(p.WaitReady(port, "/-/ready")) << p.Log();
    ASSERT_TRUE(WaitFor([&] { return peer.connections() >= 3; }, 10s))
        << p.Log();
    ASSERT_TRUE(p.Running()) << c.reason << ": " << p.Log();
    auto r = HttpGet("127.0.0.1", port, "/api/v1/status");
    ASSERT_TRUE(r && r->status == 200);
    const auto doc = nlohmann::json::parse(r->body);
    const auto& check = doc["checks"][0];
    EXPECT_EQ(check["status"], "unknown") << check.dump();
    const std::string summary = check["summary"];
    EXPECT_EQ(summary.rfind("peer sent an invalid status document: ", 0), 0u)
        << summary;
    EXPECT_NE(summary.find(c.reason), std::string::npos) << summary;
    EXPECT_FALSE(doc["controller"]["peer"]["ready"].get<bool>())
        << doc["controller"].dump();
    EXPECT_EQ(p.Stop(), 0) << p.Log();
  }
}

// A server may act on the first of several Authorization headers (civetweb
// did), and crypt() stops reading a password at a NUL byte.
TEST_F(HostileInputTest, BasicAuthRefusesTwoHeadersAndNulBytes) {
  const std::string config = dir_.Write(
      "c.yml",
      Listen(port_) + kRole +
          "web:\n  basic_auth_users:\n    prometheus: "
          "\"$2b$04$NO.6chsCGrE/QErbkxa/te1Th43EFAojEAvkNRS1tpfFa7ztrOq2G\"\n");
  ExporterProcess p({"--config", config});
  ASSERT_TRUE(WaitFor(
      [&] {
        auto r = HttpGet("127.0.0.1", port_, "/-/healthy", "", 1s);
        return r && r->status == 401;
      },
      10s))
      << p.Log();
  const std::string right =
      "Authorization: Basic cHJvbWV0aGV1czpzZWNyZXQ=";  // prometheus:secret
  const std::string wrong =
      "Authorization: Basic cHJvbWV0aGV1czp3cm9uZw==";  // prometheus:wrong
  // base64 of "prometheus:secret\0junk"
  const std::string nul =
      "Authorization: Basic cHJvbWV0aGV1czpzZWNyZXQAanVuaw==";
  const auto curl = [&](std::vector<std::string> headers) {
    std::vector<std::string> argv = {"/usr/bin/curl", "-s", "-o",
                                     "/dev/null",     "-w", "%{http_code}",
                                     "--max-time",    "5"};
    for (const auto& h : headers) {
      argv.push_back("-H");
      argv.push_back(h);
    }
    argv.push_back("http://127.0.0.1:" + std::to_string(port_) + "/metrics");
    return RunProgram(argv, 10s).out;
  };
  EXPECT_EQ(curl({right}), "200");
  EXPECT_EQ(curl({right, wrong}), "401");
  EXPECT_EQ(curl({wrong, right}), "401");
  EXPECT_EQ(curl({right, right}), "401");
  EXPECT_EQ(curl({nul}), "401");
}

}  // namespace
}  // namespace ipv6ha::testing
