#pragma once

// The worker threads of the HTTP server: they answer the requests whose
// handler may block (HttpHandler::AnswerSlowly), one at a time each, in the
// order submitted, and hand each response back to the loop, which `wake`
// tells. The destructor stops and joins them; requests still queued are
// dropped (the loop closes their connections anyway).
//
// Thread safety: Submit and TakeDone from the loop thread, wake is called
// from the workers.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "exporter/http/http_connection.h"

namespace ipv6ha {

class HttpHandler;

class HttpWorkerPool {
 public:
  struct Done {
    std::uint64_t connection;
    HttpResponse response;
  };

  // `nice_steps`: each worker lowers its priority by this much
  // (LowerThreadPriority) before it takes requests.
  HttpWorkerPool(int threads, int nice_steps,
                 std::shared_ptr<HttpHandler> handler,
                 std::function<void()> wake);
  ~HttpWorkerPool();
  HttpWorkerPool(const HttpWorkerPool&) = delete;
  HttpWorkerPool& operator=(const HttpWorkerPool&) = delete;

  void Submit(std::uint64_t connection, HttpRequest request);
  std::vector<Done> TakeDone();

 private:
  void Run();

  std::shared_ptr<HttpHandler> handler_;
  std::function<void()> wake_;
  std::mutex mutex_;
  std::condition_variable wanted_;
  bool stop_ = false;
  std::deque<std::pair<std::uint64_t, HttpRequest>> queue_;
  std::vector<Done> done_;
  std::vector<std::thread> threads_;
};

}  // namespace ipv6ha
