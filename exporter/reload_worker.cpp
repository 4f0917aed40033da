#include "exporter/reload_worker.h"

#include <condition_variable>
#include <mutex>

namespace ipv6ha {

struct ReloadWorker::State {
  std::function<void()> reload;
  std::mutex mutex;
  std::condition_variable cv;
  bool requested = false;
  bool running = false;
  bool stop = false;
};

ReloadWorker::ReloadWorker(std::function<void()> reload)
    : state_(std::make_shared<State>()) {
  state_->reload = std::move(reload);
  thread_ = std::thread([state = state_] {
    std::unique_lock lock(state->mutex);
    for (;;) {
      state->cv.wait(lock, [&] { return state->requested || state->stop; });
      if (state->stop) break;
      state->requested = false;
      state->running = true;
      lock.unlock();
      state->reload();
      lock.lock();
      state->running = false;
      state->cv.notify_all();
    }
  });
}

ReloadWorker::~ReloadWorker() { Stop(std::chrono::milliseconds(0)); }

void ReloadWorker::Request() {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stop) return;
    state_->requested = true;
  }
  state_->cv.notify_all();
}

bool ReloadWorker::Stop(std::chrono::milliseconds grace) {
  bool idle = false;
  {
    std::unique_lock lock(state_->mutex);
    state_->stop = true;
    state_->cv.notify_all();
    idle = state_->cv.wait_for(lock, grace, [&] { return !state_->running; });
  }
  if (!thread_.joinable()) return idle;
  if (idle) {
    thread_.join();
  } else {
    thread_.detach();
  }
  return idle;
}

}  // namespace ipv6ha
