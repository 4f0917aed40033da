#pragma once

// The fixture of the tests that run the real exporter serving TLS: a test
// PKI (test_pki.h) in a temporary directory, a free port, and Serve(),
// which starts the exporter and returns once it presents a certificate.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/exporter_process.h"
#include "tests/support/test_pki.h"

namespace ipv6ha::testing {

class TlsExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(MakeTestPki(dir_, pki_));
    port_ = FreePort();
  }

  // Starts the exporter with `args` (its config listens on port_ with TLS)
  // and waits up to 10 s for its certificate; a test failure with the
  // exporter's log when none comes.
  void Serve(std::vector<std::string> args) {
    exporter_ = std::make_unique<ExporterProcess>(std::move(args));
    ASSERT_TRUE(WaitFor([&] { return !ServedSubject(port_).empty(); },
                        std::chrono::seconds(10)))
        << exporter_->Log();
  }

  TempDir dir_;
  TestPki pki_;
  int port_ = 0;
  std::unique_ptr<ExporterProcess> exporter_;
};

}  // namespace ipv6ha::testing
