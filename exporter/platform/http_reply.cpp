#include "exporter/platform/http_reply.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "exporter/text/http_field.h"
#include "exporter/text/utf8.h"

namespace ipv6ha {
namespace {

struct Head {
  std::size_t size = 0;  // through the empty line
  int status = 0;
  std::vector<std::string_view> content_lengths;
  bool transfer_encoding = false;
};

// "HTTP/1.0 200 OK" or "HTTP/1.1 503": three digits, then a space or the end.
std::optional<int> StatusLine(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." ||
      !std::isdigit(static_cast<unsigned char>(line[7])) || line[8] != ' ') {
    return std::nullopt;
  }
  int code = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) return std::nullopt;
    code = code * 10 + (line[i] - '0');
  }
  if (line.size() > 12 && line[12] != ' ') return std::nullopt;
  if (code < 100) return std::nullopt;
  return code;
}

std::optional<Head> ParseHead(std::string_view data) {
  const std::size_t end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  Head head;
  head.size = end + 4;
  std::string_view lines = data.substr(0, end + 2);
  std::size_t eol = lines.find("\r\n");
  auto status = StatusLine(lines.substr(0, eol));
  if (!status) return std::nullopt;
  head.status = *status;
  lines.remove_prefix(eol + 2);
  while (!lines.empty()) {
    eol = lines.find("\r\n");
    const std::string_view line = lines.substr(0, eol);
    lines.remove_prefix(eol + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value =
        TrimOptionalWhitespace(line.substr(colon + 1));
    if (EqualsIgnoringAsciiCase(name, "Content-Length"))
      head.content_lengths.push_back(value);
    if (EqualsIgnoringAsciiCase(name, "Transfer-Encoding"))
      head.transfer_encoding = true;
  }
  return head;
}

// A Content-Length is 1*DIGIT (RFC 9110 8.6); no sign, no list, no spaces.
std::optional<std::size_t> Length(std::string_view value) {
  if (value.empty() || value.size() > 15) return std::nullopt;
  std::size_t n = 0;
  for (char c : value) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

ParsedHttpReply Bad(std::string message, bool too_large = false) {
  ParsedHttpReply out;
  out.error = {too_large, std::move(message)};
  return out;
}

std::string Quoted(std::string_view s) {
  std::string out(1, '"');
  out += Utf8Prefix(RepairUtf8(s.substr(0, 43)), 40);
  out += '"';
  return out;
}

}  // namespace

ParsedHttpReply ParseHttpReply(std::string_view data, std::size_t max_body) {
  const auto head = ParseHead(data);
  if (!head) return Bad("is not HTTP");
  if (head->transfer_encoding) {
    return Bad(
        "uses Transfer-Encoding, which an HTTP/1.0 request does not "
        "accept");
  }
  std::string_view body = data.substr(head->size);
  if (head->content_lengths.size() > 1) {
    return Bad("has more than one Content-Length");
  }
  if (!head->content_lengths.empty()) {
    const auto length = Length(head->content_lengths.front());
    if (!length) {
      return Bad("has an invalid Content-Length " +
                 Quoted(head->content_lengths.front()));
    }
    if (*length > max_body) {
      return Bad("announces " + std::to_string(*length) +
                     " bytes, more than the " + std::to_string(max_body) +
                     " allowed",
                 true);
    }
    if (body.size() < *length) {
      return Bad("ended after " + std::to_string(body.size()) + " of the " +
                 std::to_string(*length) +
                 " bytes its Content-Length announced");
    }
    // The reply ends where its Content-Length says; anything after it is
    // not part of this reply (the reader stops there too).
    body = body.substr(0, *length);
  }
  if (body.size() > max_body) {
    return Bad("exceeds " + std::to_string(max_body) + " bytes", true);
  }
  ParsedHttpReply out;
  out.reply = HttpReply{head->status, RepairUtf8(body)};
  return out;
}

std::optional<std::size_t> AnnouncedReplySize(std::string_view data) {
  const auto head = ParseHead(data);
  if (!head || head->content_lengths.size() != 1 || head->transfer_encoding) {
    return std::nullopt;
  }
  const auto length = Length(head->content_lengths.front());
  if (!length) return std::nullopt;
  return head->size + *length;
}

}  // namespace ipv6ha
