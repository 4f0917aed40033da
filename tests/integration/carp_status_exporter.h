#pragma once

// The real exporter with one command check standing for a local fault, and
// optionally a healthy peer exporter, for the tests of OPNsense's CARP
// service status (opnsense_hooks_test, opnsense_service_status_mode_test).

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/exporter_process.h"
#include "tests/support/loopback_listener.h"

namespace ipv6ha::testing {

// The real exporter with one command check standing for a local fault.
class CarpServiceStatusAgainstExporter : public ::testing::Test {
 protected:
  // `with_peer`: a second, healthy exporter as the HA peer, so the
  // controller has somewhere better to go and may demote this node.
  // `secured`: HTTPS and basic auth on the API (web:), and a status file.
  // `extra` is appended to the top level of the config.
  void Start(const std::string& program, bool with_peer = false,
             bool secured = false, const std::string& extra = "") {
    port_ = testing::FreePort();
    std::string web_section;
    if (secured) {
      const std::string cert = (dir_.path() / "cert.pem").string();
      const std::string key = (dir_.path() / "key.pem").string();
      auto made = RunProgram({"/usr/bin/openssl", "req", "-x509", "-newkey",
                              "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                              "-nodes", "-keyout", key, "-out", cert, "-days",
                              "1", "-subj", "/CN=127.0.0.1", "-addext",
                              "subjectAltName=IP:127.0.0.1"});
      ASSERT_EQ(made.exit_code, 0) << made.err;
      status_file_ = (dir_.path() / "run" / "status.json").string();
      // bcrypt("secret") at cost 4: the hook never learns it.
      web_section =
          "status_file: " + status_file_ +
          "\nweb:\n  tls_server_config: {cert_file: " + cert +
          ", key_file: " + key +
          "}\n  basic_auth_users:\n    prometheus: "
          "\"$2b$04$NO.6chsCGrE/QErbkxa/te1Th43EFAojEAvkNRS1tpfFa7ztrOq2G\"\n";
    }
    std::string peer_section, peer_check;
    if (with_peer) {
      const int peer_port = testing::FreePort();
      const std::string peer_config = dir_.Write(
          "peer.yml", "listen: [\"127.0.0.1:" + std::to_string(peer_port) +
                          "\"]\n"
                          "node: {name: fw2}\n"
                          "role: {source: static, static: backup}\n"
                          "checks:\n  radvd_running: {type: command, argv: "
                          "[/bin/true], interval: 200ms}\n"
                          "demotion: {enabled: true, sink: none}\n");
      peer_ = std::make_unique<testing::ExporterProcess>(
          std::vector<std::string>{"--config", peer_config});
      ASSERT_TRUE(peer_->WaitReady(peer_port)) << peer_->Log();
      peer_section =
          "peer: {name: fw2, address: \"::1\", api: \"http://127.0.0.1:" +
          std::to_string(peer_port) + "\"}\n";
      // The peer's address must answer the probe: Debian's civetweb cannot
      // listen on ::1, so a listening socket of the test stands in for it.
      peer_probe_ = std::make_unique<Ipv6Listener>();
      ASSERT_GT(peer_probe_->port(), 0) << "cannot listen on [::1]";
      peer_check = "  peer_reachability: {interval: 200ms, method: \"tcp:" +
                   std::to_string(peer_probe_->port()) + "\"}\n";
    }
    const std::string config = dir_.Write(
        "ipv6_ha_exporter.yml",
        "listen: [\"127.0.0.1:" + std::to_string(port_) +
            "\"]\n"
            "node: {name: fw1}\n"
            "role: {source: static, static: master}\n" +
            web_section + peer_section +
            "checks:\n"
            "  radvd_running: {type: command, argv: [" +
            program + "], interval: 200ms, weight: 60}\n" + peer_check +
            "demotion: {enabled: true, sink: none, fall: 1, rise: 1, "
            "hold_down: 1s}\n" +
            extra);
    exporter_ = std::make_unique<testing::ExporterProcess>(
        std::vector<std::string>{"--config", config});
    if (secured) {
      // Plain HTTP gets no answer now: wait for the status file instead.
      ASSERT_TRUE(testing::WaitFor(
          [&] {
            return exporter_->Running() && Status().contains("controller");
          },
          std::chrono::seconds(10)))
          << exporter_->Log();
      return;
    }
    ASSERT_TRUE(exporter_->WaitReady(port_)) << exporter_->Log();
  }
  // The exporter's status: from its status file when it has one.
  nlohmann::json Status() {
    if (!status_file_.empty()) {
      std::ifstream in(status_file_);
      std::stringstream buf;
      buf << in.rdbuf();
      auto doc = nlohmann::json::parse(buf.str(), nullptr, false);
      return doc.is_object() ? doc : nlohmann::json::object();
    }
    auto r = testing::HttpGet("127.0.0.1", port_, "/api/v1/status");
    if (!r || r->status != 200) return nlohmann::json::object();
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  bool WaitForCheck(const std::string& status) {
    return testing::WaitFor(
        [&] {
          auto doc = Status();
          return doc.contains("checks") && !doc["checks"].empty() &&
                 doc["checks"][0].value("status", "") == status;
        },
        std::chrono::seconds(10));
  }

  TempDir dir_;
  int port_ = 0;
  std::string status_file_;
  std::unique_ptr<Ipv6Listener> peer_probe_;
  std::unique_ptr<testing::ExporterProcess> peer_;
  std::unique_ptr<testing::ExporterProcess> exporter_;
};

}  // namespace ipv6ha::testing
