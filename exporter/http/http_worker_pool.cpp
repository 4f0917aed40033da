#include "exporter/http/http_worker_pool.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "exporter/http/http_loop.h"
#include "exporter/platform/thread_priority.h"

namespace ipv6ha {

HttpWorkerPool::HttpWorkerPool(int threads, int nice_steps,
                               std::shared_ptr<HttpHandler> handler,
                               std::function<void()> wake)
    : handler_(std::move(handler)), wake_(std::move(wake)) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this, nice_steps] {
      LowerThreadPriority(nice_steps);
      Run();
    });
  }
}

HttpWorkerPool::~HttpWorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wanted_.notify_all();
  for (auto& t : threads_) t.join();
}

void HttpWorkerPool::Submit(std::uint64_t connection, HttpRequest request) {
  {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(connection, std::move(request));
  }
  wanted_.notify_one();
}

std::vector<HttpWorkerPool::Done> HttpWorkerPool::TakeDone() {
  std::lock_guard lock(mutex_);
  return std::exchange(done_, {});
}

void HttpWorkerPool::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wanted_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    auto [connection, request] = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    HttpResponse response = handler_->AnswerSlowly(request);
    lock.lock();
    done_.push_back({connection, std::move(response)});
    lock.unlock();
    wake_();
    lock.lock();
  }
}

}  // namespace ipv6ha
