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

}  // namespace ipv6ha
