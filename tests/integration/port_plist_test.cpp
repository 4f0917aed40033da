// The FreeBSD port (packaging/freebsd/net-mgmt/ipv6_ha_exporter) installs
// what its pkg-plist says, and nothing else: the CMake install components
// its Makefile names (IPV6HA_COMPONENTS, plus `doc` for the DOCS option) are
// staged with the port's prefix into a DESTDIR, and the staged files must
// equal pkg-plist (with %%ETCDIR%%, %%DATADIR%% expanded, @sample entries,
// PORTDOCS=* covering DOCSDIR), both ways. The components are staged from a
// tree configured as the port configures it (its CMAKE_OFF options), the
// daemon from this build. The rc(8) script comes from USE_RC_SUBR:
// files/ipv6_ha_exporter.in must be the project's rc script.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/exporter_process.h"

namespace ipv6ha {
namespace {

namespace fs = std::filesystem;
using testing::RunProgram;
using testing::TempDir;

const fs::path kPort = fs::path(IPV6HA_SOURCE_DIR) / "packaging" / "freebsd" /
                       "net-mgmt" / "ipv6_ha_exporter";
constexpr char kPrefix[] = "/usr/local";
constexpr char kEtcDir[] = "etc/ipv6_ha_exporter";
constexpr char kDataDir[] = "share/ipv6_ha_exporter";
constexpr char kDocsDir[] = "share/doc/ipv6_ha_exporter";
constexpr char kRcScript[] = "etc/rc.d/ipv6_ha_exporter";

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The value of `NAME= words` in the Makefile, continuation lines joined.
std::string MakefileVariable(const std::string& makefile,
                             const std::string& name) {
  std::string joined = std::regex_replace(makefile, std::regex("\\\\\n"), " ");
  std::smatch m;
  if (!std::regex_search(joined, m,
                         std::regex("(^|\n)" + name + "=[ \t]*([^\n]*)"))) {
    return "";
  }
  return m[2];
}

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string Replace(std::string s, const std::string& from,
                    const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos;
       at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// pkg-plist as paths relative to the prefix.
std::set<std::string> ExpandedPlist(const std::string& plist) {
  std::set<std::string> out;
  std::istringstream in(plist);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line.rfind("@sample ", 0) == 0) {
      line = line.substr(8);
    } else if (line[0] == '@') {
      ADD_FAILURE() << "pkg-plist keyword this test does not know: " << line;
      continue;
    }
    line = Replace(line, "%%ETCDIR%%", kEtcDir);
    line = Replace(line, "%%DATADIR%%", kDataDir);
    line = Replace(line, "%%DOCSDIR%%", kDocsDir);
    line = Replace(line, "%%PORTDOCS%%", "");
    EXPECT_EQ(line.find("%%"), std::string::npos) << "unexpanded: " << line;
    out.insert(line);
  }
  return out;
}

class PortPlist : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    makefile_ = new std::string(Read(kPort / "Makefile"));
    staging_ = new TempDir();
    std::vector<std::string> components =
        Words(MakefileVariable(*makefile_, "IPV6HA_COMPONENTS"));
    if (MakefileVariable(*makefile_, "DOCS_VARS") == "IPV6HA_COMPONENTS+=doc") {
      components.push_back("doc");  // the DOCS option, on by default
    }
    components_ = new std::vector<std::string>(components);
    install_errors_ = new std::string();
    // The port's configure: its CMAKE_OFF options, the port's prefix. Only
    // configured, not built: the daemon comes from this build tree.
    scratch_ = new TempDir();
    std::vector<std::string> configure = {
        IPV6HA_CMAKE_COMMAND,
        "-S",
        IPV6HA_SOURCE_DIR,
        "-B",
        (scratch_->path() / "build").string(),
        std::string("-DCMAKE_INSTALL_PREFIX=") + kPrefix};
    for (const auto& option :
         Words(MakefileVariable(*makefile_, "CMAKE_OFF"))) {
      configure.push_back("-D" + option + "=OFF");
    }
    auto configured = RunProgram(configure, std::chrono::seconds(120));
    if (configured.exit_code != 0) {
      *install_errors_ += "configure: " + configured.out + configured.err;
      return;
    }
    for (const auto& c : components) {
      const std::string tree = c == "daemon"
                                   ? std::string(IPV6HA_BUILD_DIR)
                                   : (scratch_->path() / "build").string();
      auto r =
          RunProgram({"/usr/bin/env", "DESTDIR=" + staging_->path().string(),
                      IPV6HA_CMAKE_COMMAND, "--install", tree, "--prefix",
                      kPrefix, "--component", c},
                     std::chrono::seconds(60));
      if (r.exit_code != 0) *install_errors_ += c + ": " + r.out + r.err;
    }
  }
  static void TearDownTestSuite() {
    delete staging_;
    delete scratch_;
    delete makefile_;
    delete components_;
    delete install_errors_;
  }

  // Every file (or symlink) staged under the prefix, relative to it.
  static std::set<std::string> Staged() {
    std::set<std::string> out;
    const fs::path root = staging_->path() / fs::path(kPrefix).relative_path();
    if (!fs::exists(root)) return out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (e.is_regular_file() || e.is_symlink()) {
        out.insert(fs::relative(e.path(), root).string());
      }
    }
    return out;
  }

  static TempDir* staging_;
  static TempDir* scratch_;
  static std::string* makefile_;
  static std::vector<std::string>* components_;
  static std::string* install_errors_;
};

TempDir* PortPlist::staging_ = nullptr;
TempDir* PortPlist::scratch_ = nullptr;
std::string* PortPlist::makefile_ = nullptr;
std::vector<std::string>* PortPlist::components_ = nullptr;
std::string* PortPlist::install_errors_ = nullptr;

TEST_F(PortPlist, MakefileNamesTheComponentsItInstalls) {
  ASSERT_FALSE(components_->empty()) << "no IPV6HA_COMPONENTS in the Makefile";
  EXPECT_EQ(*install_errors_, "");
}

TEST_F(PortPlist, StagedInstallMatchesPkgPlistBothWays) {
  const std::set<std::string> plist = ExpandedPlist(Read(kPort / "pkg-plist"));
  const std::set<std::string> staged = Staged();
  const bool portdocs = MakefileVariable(*makefile_, "PORTDOCS") == "*";
  for (const auto& f : staged) {
    const bool doc = f.rfind(std::string(kDocsDir) + "/", 0) == 0;
    if (doc && portdocs) continue;  // PORTDOCS=* lists DOCSDIR itself
    if (f == kRcScript) continue;   // USE_RC_SUBR installs and lists it
    EXPECT_TRUE(plist.count(f)) << "installed but not in pkg-plist: " << f;
  }
  for (const auto& f : plist) {
    EXPECT_TRUE(staged.count(f)) << "in pkg-plist but not installed: " << f;
  }
  EXPECT_TRUE(staged.count(std::string(kDocsDir) + "/opnsense.md"))
      << "the doc component installed no docs";
}

TEST_F(PortPlist, RcScriptComesFromUseRcSubrNotFromThePlist) {
  EXPECT_EQ(MakefileVariable(*makefile_, "USE_RC_SUBR"), "ipv6_ha_exporter");
  const fs::path in = kPort / "files" / "ipv6_ha_exporter.in";
  ASSERT_TRUE(fs::exists(in));
  EXPECT_EQ(Read(in),
            Read(fs::path(IPV6HA_SOURCE_DIR) / "rc.d" / "ipv6_ha_exporter"));
  // The components stage the rc script too; USE_RC_SUBR installs its own
  // copy over it, so the two must be the same file.
  const fs::path staged =
      staging_->path() / fs::path(kPrefix).relative_path() / kRcScript;
  if (fs::exists(staged)) EXPECT_EQ(Read(staged), Read(in));
  EXPECT_EQ(Read(kPort / "pkg-plist").find("etc/rc.d/"), std::string::npos);
}

TEST_F(PortPlist, MakefileFollowsThePortersHandbookLayout) {
  const std::string uses = MakefileVariable(*makefile_, "USES");
  EXPECT_NE(uses.find("cmake"), std::string::npos) << uses;
  EXPECT_NE(uses.find("compiler:c++20-lang"), std::string::npos) << uses;
  const std::string libs = MakefileVariable(*makefile_, "LIB_DEPENDS");
  for (const char* port :
       {"devel/prometheus-cpp", "devel/yaml-cpp", "devel/spdlog"}) {
    EXPECT_NE(libs.find(port), std::string::npos) << port;
  }
  // The daemon serves HTTP itself (exporter/http/): no civetweb.
  EXPECT_EQ(libs.find("civetweb"), std::string::npos) << libs;
  EXPECT_NE(
      MakefileVariable(*makefile_, "BUILD_DEPENDS").find("devel/nlohmann-json"),
      std::string::npos);
  EXPECT_TRUE(fs::exists(kPort / "pkg-descr"));
  EXPECT_EQ(MakefileVariable(*makefile_, "PORTNAME"), "ipv6_ha_exporter");
  EXPECT_EQ(MakefileVariable(*makefile_, "DISTVERSION"), IPV6HA_VERSION)
      << "the port's version is not the project's (CMakeLists.txt)";
}

}  // namespace
}  // namespace ipv6ha
