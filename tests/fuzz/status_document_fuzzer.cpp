// Fuzzes the status document writer (GET /api/v1/status, the status file,
// `check --json`, the landing page) with arbitrary bytes, invalid UTF-8
// included, in every field whose text comes from outside (input format:
// status_document_input.h). The boundaries repair such bytes where they
// enter; this target proves the writer's last line of defence: one byte
// that was not UTF-8 once aborted the daemon in the JSON dump, and the
// output must now always be valid UTF-8 JSON.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "exporter/http/landing_page.h"
#include "exporter/status_document.h"
#include "exporter/text/utf8.h"
#include "tests/fuzz/status_document_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size > 64 * 1024) return -1;
  const ipv6ha::StatusInputs in = ipv6ha::fuzz::StatusInputsFromFuzzInput(
      std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string text =
      ipv6ha::DumpStatusDocument(ipv6ha::BuildStatusDocument(in));
  if (!ipv6ha::IsValidUtf8(text)) __builtin_trap();
  if (nlohmann::json::parse(text, nullptr, false).is_discarded())
    __builtin_trap();
  (void)ipv6ha::RenderLandingPage(ipv6ha::BuildNodeStatus(in), in.peer);
  return 0;
}
