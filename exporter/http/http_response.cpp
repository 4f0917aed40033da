#include "exporter/http/http_response.h"

namespace ipv6ha {

std::string ResponseHead(int code, std::string_view reason,
                         std::string_view type, std::size_t length,
                         std::string_view extra_headers) {
  std::string head = "HTTP/1.1 " + std::to_string(code) + " ";
  head.append(reason);
  head += "\r\nContent-Type: ";
  head.append(type);
  head += "\r\nContent-Length: " + std::to_string(length) + "\r\n";
  head.append(extra_headers);
  head += "\r\n";
  return head;
}

HttpResponse MakeHttpResponse(int code, std::string_view reason,
                              std::string_view type, std::string_view body,
                              std::string_view extra_headers, bool head_only) {
  auto bytes = std::make_shared<std::string>(
      ResponseHead(code, reason, type, body.size(), extra_headers));
  const std::size_t head = bytes->size();
  bytes->append(body);
  const std::size_t length = head_only ? head : bytes->size();
  return {std::move(bytes), length, false};
}

HttpResponse HttpErrorResponse(int status, std::string_view reason) {
  const char* text = status == 400   ? "Bad Request"
                     : status == 431 ? "Request Header Fields Too Large"
                     : status == 505 ? "HTTP Version Not Supported"
                                     : "Error";
  HttpResponse response =
      MakeHttpResponse(status, text, "text/plain; charset=utf-8",
                       std::string(reason) + "\n", "Connection: close\r\n");
  response.close = true;
  return response;
}

}  // namespace ipv6ha
