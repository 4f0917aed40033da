#include "exporter/http/http_request.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "exporter/text/http_field.h"

namespace ipv6ha {
namespace {

using State = HttpHeadParse::State;

// RFC 9110 tchar: the bytes of a method and a header name.
bool IsTokenChar(unsigned char c) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') ||
         kExtra.find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return IsTokenChar(static_cast<unsigned char>(c));
  });
}

// Bytes a target or a header value must not hold: controls other than tab.
bool HasControl(std::string_view s, bool allow_tab) {
  return std::any_of(s.begin(), s.end(), [allow_tab](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && !(allow_tab && c == '\t')) || c == 0x7f;
  });
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "%2F"-style escapes decoded; nullopt for a broken escape or a NUL.
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// Whether `start`, the beginning of a request line, can still become one:
// a method of token bytes (and not over 32 of them) up to the first space.
bool CouldStartRequestLine(std::string_view start) {
  const auto space = start.find(' ');
  const std::string_view method = start.substr(0, space);
  if (method.size() > 32) return false;
  return std::all_of(method.begin(), method.end(), [](char c) {
    return IsTokenChar(static_cast<unsigned char>(c));
  });
}

HttpHeadParse Bad(int status, std::string reason) {
  HttpHeadParse r;
  r.state = State::kBad;
  r.status = status;
  r.reason = std::move(reason);
  return r;
}

// "METHOD SP TARGET SP HTTP/1.x" into `req`; empty on success, else why.
std::string ParseRequestLine(std::string_view line, HttpRequest& req,
                             int& status) {
  status = 400;
  const auto sp1 = line.find(' ');
  const auto sp2 =
      sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos ||
      line.find(' ', sp2 + 1) != std::string_view::npos) {
    return "malformed request line";
  }
  const std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method)) return "malformed method";
  if (version == "HTTP/1.1") {
    req.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    req.minor_version = 0;
  } else if (version.size() == 8 && version.substr(0, 5) == "HTTP/") {
    status = 505;
    return "HTTP version not supported";
  } else {
    return "malformed HTTP version";
  }
  if (target.empty() || HasControl(target, false)) return "malformed target";
  // Absolute form ("http://host/path"): only the path counts.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() &&
        EqualsIgnoringAsciiCase(target.substr(0, scheme.size()), scheme)) {
      const auto slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/")
                                               : target.substr(slash);
    }
  }
  if (target.front() != '/') return "malformed target";
  const auto q = target.find('?');
  auto path = PercentDecode(target.substr(0, q));
  if (!path) return "malformed target";
  req.method = std::string(method);
  req.path = std::move(*path);
  if (q != std::string_view::npos)
    req.query = std::string(target.substr(q + 1));
  return "";
}

// Applies what the headers say about the connection and a body.
std::string ApplyHeaders(HttpRequest& req) {
  req.keep_alive = req.minor_version == 1;
  for (std::string_view v : req.HeaderValues("Connection")) {
    std::size_t start = 0;
    while (start <= v.size()) {
      auto comma = v.find(',', start);
      if (comma == std::string_view::npos) comma = v.size();
      const std::string_view option =
          TrimOptionalWhitespace(v.substr(start, comma - start));
      if (EqualsIgnoringAsciiCase(option, "close")) {
        req.keep_alive = false;
      } else if (EqualsIgnoringAsciiCase(option, "keep-alive") &&
                 req.minor_version == 0) {
        req.keep_alive = true;
      }
      start = comma + 1;
    }
  }
  const auto lengths = req.HeaderValues("Content-Length");
  if (lengths.size() > 1) return "more than one Content-Length";
  if (lengths.size() == 1) {
    const std::string_view v = lengths.front();
    unsigned long long n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || end != v.data() + v.size()) {
      return "malformed Content-Length";
    }
    req.body_follows = n > 0;
  }
  if (!req.HeaderValues("Transfer-Encoding").empty()) req.body_follows = true;
  return "";
}

}  // namespace

std::vector<std::string_view> HttpRequest::HeaderValues(
    std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoringAsciiCase(n, name)) out.emplace_back(v);
  }
  return out;
}

HttpHeadParse ParseHttpHead(std::string_view bytes) {
  std::size_t pos = 0;
  // Empty lines before the request line are allowed (RFC 9112 2.2).
  for (int i = 0; i < 4 && pos < bytes.size(); ++i) {
    if (bytes.substr(pos, 2) == "\r\n") {
      pos += 2;
    } else if (bytes[pos] == '\n') {
      pos += 1;
    } else {
      break;
    }
  }
  if (!CouldStartRequestLine(bytes.substr(pos))) {
    // A TLS ClientHello on the plain port, binary junk: no need to wait.
    return Bad(400, "malformed request line");
  }
  HttpHeadParse out;
  std::vector<std::string_view> lines;
  for (;;) {
    const auto nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (bytes.size() > kMaxHeadBytes) {
        return Bad(431, "request head too large");
      }
      return out;  // incomplete
    }
    if (nl + 1 > kMaxHeadBytes) return Bad(431, "request head too large");
    std::string_view line = bytes.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    if (line.empty()) break;
    if (lines.size() > kMaxHeaders) return Bad(431, "too many header fields");
    lines.push_back(line);
  }
  if (lines.empty()) return Bad(400, "empty request");
  HttpRequest& req = out.request;
  int status = 400;
  if (auto why = ParseRequestLine(lines.front(), req, status); !why.empty()) {
    return Bad(status, why);
  }
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
      return Bad(400, "malformed header field");
    }
    const std::string_view value =
        TrimOptionalWhitespace(line.substr(colon + 1));
    if (HasControl(value, true)) return Bad(400, "malformed header value");
    req.headers.emplace_back(std::string(line.substr(0, colon)),
                             std::string(value));
  }
  if (auto why = ApplyHeaders(req); !why.empty()) return Bad(400, why);
  out.state = State::kComplete;
  out.consumed = pos;
  return out;
}

}  // namespace ipv6ha
