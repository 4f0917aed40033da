// The landing page from typed statuses: both sides, escaped, newest
// decision first, and what it says when the peer was never heard from.

#include "exporter/http/landing_page.h"

#include <gtest/gtest.h>

#include "exporter/status_document.h"
#include "tests/support/peer_document.h"

namespace ipv6ha {
namespace {

// The page as the daemon renders it from what it holds.
std::string Render(const StatusInputs& in) {
  return RenderLandingPage(BuildNodeStatus(in), in.peer);
}

StatusInputs Fw1() {
  StatusInputs in;
  in.node = "fw1";
  in.version = "0.1.0";
  in.role = Role::kMaster;
  in.ready = true;
  in.now = std::chrono::system_clock::now();
  CheckRecord r;
  r.settings.name = r.settings.type = "nptv6_rules";
  r.settings.weight = 50;
  r.result = CheckResult::Fail("binat for <fd00::/64> & friends missing");
  r.runs = 3;
  in.checks.push_back(r);
  StatusController c;
  c.desired = 50;
  c.applied = 50;
  c.reason = "demoting by 50: nptv6_rules failed 3x on MASTER, peer fw2 ready";
  c.decisions = {{"2026-12-01T09:00:00Z", 0, "not demoting: first"},
                 {"2026-12-01T09:00:03Z", 50, "demoting by 50: second"}};
  c.peer = StatusAssessment{
      "fw2", true, true, true, "peer fw2 ready", "peer fw2 ready", ""};
  StatusShare share;
  share.name = "nptv6_rules";
  share.weight = 50;
  share.contributing = share.leased = true;
  share.evidence = "fail";
  share.lease_remaining_seconds = 301;
  c.checks.push_back(share);
  in.controller = c;
  return in;
}

PeerSnapshot HostilePeer() {
  PeerSnapshot p;
  p.reachable = p.api_ok = true;
  p.status = testing::PeerDocument(
      {{"node", "fw2\"><script>alert(1)</script>"},
       {"role", "backup"},
       {"ready", true},
       {"checks",
        {{{"name", "<img src=x onerror=alert(1)>"},
          {"status", "ok"},
          {"weight", 100},
          {"summary", "a & b < c"}}}},
       {"controller", {{"desired", 0}, {"reason", "<b>not</b> demoting"}}}});
  return p;
}

TEST(LandingPageTest, ShowsBothSidesWithEverythingThePeerSentEscaped) {
  StatusInputs in = Fw1();
  in.peer = HostilePeer();
  const std::string html = Render(in);
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>not</b>"), std::string::npos) << html;
  for (const char* part :
       {"<th>this node fw1</th><th>peer fw2</th>",
        "fw2&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;img src=x onerror=alert(1)&gt;", "a &amp; b &lt; c",
        "&lt;b&gt;not&lt;/b&gt; demoting",
        "binat for &lt;fd00::/64&gt; &amp; friends missing",
        "desired 50, applied 50", "desired 0, applied unknown",
        "<td>this node fw1</td><td>nptv6_rules</td><td>50</td><td>fail</td>"
        "<td>5m1s left</td><td>contributing</td>"}) {
    EXPECT_NE(html.find(part), std::string::npos) << part << "\n" << html;
  }
}

TEST(LandingPageTest, ListsTheNewestDecisionFirst) {
  const std::string html = Render(Fw1());
  const auto second = html.find("demoting by 50: second");
  const auto first = html.find("not demoting: first");
  ASSERT_NE(second, std::string::npos);
  ASSERT_NE(first, std::string::npos);
  EXPECT_LT(second, first);
}

TEST(LandingPageTest, SaysWhenThePeerWasNeverHeardFrom) {
  const std::string html = Render(Fw1());
  EXPECT_NE(html.find("<td>not heard from yet</td>"), std::string::npos)
      << html;
  PeerSnapshot silent;
  silent.error = "peer unreachable: timeout after 900ms";
  StatusInputs in = Fw1();
  in.peer = silent;
  const std::string page = Render(in);
  EXPECT_NE(page.find("unreachable, API not answering: peer unreachable: "
                      "timeout after 900ms; no status received since start"),
            std::string::npos)
      << page;
}

TEST(LandingPageTest, RefreshesItselfWithoutScripts) {
  const std::string html = Render(Fw1());
  EXPECT_NE(html.find("<meta http-equiv=\"refresh\" content=\"5\">"),
            std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace ipv6ha
