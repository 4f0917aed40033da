#pragma once

// A misbehaving (or well-behaved) HTTP server on 127.0.0.1 for tests of
// clients: it accepts connections on a thread and answers each one the way
// it is told (a fixed reply, an endless stream, or silence). Stops, closes
// every socket and joins its thread in the destructor.

#include <atomic>
#include <cstddef>
#include <string>
#include <thread>

namespace ipv6ha::testing {

class FakeHttpServer {
 public:
  enum class Mode {
    kReply,   // send `reply` verbatim, then close
    kStream,  // send an HTTP 200 header, then `stream_bytes` of filler
    kSilent,  // accept, read the request, never answer
  };
  explicit FakeHttpServer(Mode mode, std::string reply = "",
                          std::size_t stream_bytes = 0);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  int port() const { return port_; }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }
  int connections() const { return connections_.load(); }
  // A 200 reply with a JSON body, as an exporter sends it.
  static std::string JsonReply(const std::string& body);

 private:
  void Serve();

  Mode mode_;
  std::string reply_;
  std::size_t stream_bytes_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace ipv6ha::testing
