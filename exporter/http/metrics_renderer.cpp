#include "exporter/http/metrics_renderer.h"

#include "exporter/http/http_response.h"

namespace ipv6ha {
namespace {

constexpr char kMetricsType[] = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

MetricsRenderer::MetricsRenderer(std::function<std::string()> render,
                                 std::string extra_headers, const Clock& clock)
    : render_(std::move(render)),
      clock_(clock),
      extra_headers_(std::move(extra_headers)) {
  thread_ = std::thread([this] { Loop(); });
}

MetricsRenderer::~MetricsRenderer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wanted_.notify_one();
  thread_.join();
}

std::shared_ptr<const RenderedMetrics> MetricsRenderer::Current() {
  std::shared_lock lock(latest_mutex_);
  return latest_;
}

bool MetricsRenderer::Servable(const std::shared_ptr<const RenderedMetrics>& r,
                               bool asked) const {
  return r && clock_.SteadyNow() - r->rendered_at <
                  (asked ? kMaxStaleRendering : kFreshRendering);
}

std::shared_ptr<const RenderedMetrics> MetricsRenderer::Latest() {
  auto cur = Current();
  if (!Servable(cur, busy_.load())) return nullptr;
  AskForRendering();  // keep it fresh for the next scrape
  return cur;
}

std::shared_ptr<const RenderedMetrics> MetricsRenderer::Wait() {
  std::unique_lock lock(mutex_);
  // A rendering may have finished since Latest(): look again under the lock.
  const bool asked = rendering_ || want_;
  if (auto cur = Current(); Servable(cur, asked)) {
    if (!asked) AskForRenderingLocked();
    return cur;
  }
  // The rendering asked for or under way, or else the next one.
  const std::uint64_t wait_for = generation_ + 1;
  if (!asked) AskForRenderingLocked();
  done_.wait(lock, [&] { return generation_ >= wait_for; });
  if (error_) std::rethrow_exception(error_);
  return Current();
}

void MetricsRenderer::SetExtraHeaders(std::string extra_headers) {
  std::lock_guard lock(mutex_);
  extra_headers_ = std::move(extra_headers);
  std::unique_lock publish(latest_mutex_);
  latest_.reset();
}

// The flag is read first so that a flood of scrapes does not queue on the
// lock.
void MetricsRenderer::AskForRendering() {
  if (busy_.load()) return;
  std::lock_guard lock(mutex_);
  if (!want_ && !rendering_) AskForRenderingLocked();
}

void MetricsRenderer::AskForRenderingLocked() {
  want_ = true;
  busy_ = true;
  wanted_.notify_one();
}

void MetricsRenderer::Loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wanted_.wait(lock, [&] { return want_ || stop_; });
    if (stop_) return;
    want_ = false;
    rendering_ = true;
    const std::string headers = extra_headers_;
    lock.unlock();
    std::shared_ptr<RenderedMetrics> text;
    std::exception_ptr error;
    try {
      const std::string body = render_();
      auto bytes = std::make_shared<std::string>(
          ResponseHead(200, "OK", kMetricsType, body.size(), headers));
      text = std::make_shared<RenderedMetrics>();
      text->head_size = bytes->size();
      bytes->append(body);
      text->bytes = std::move(bytes);
      text->rendered_at = clock_.SteadyNow();
    } catch (...) {
      error = std::current_exception();
      text.reset();
    }
    lock.lock();
    rendering_ = false;
    {
      std::unique_lock publish(latest_mutex_);
      latest_ = std::move(text);
    }
    busy_ = want_;
    error_ = error;
    ++generation_;
    done_.notify_all();
  }
}

}  // namespace ipv6ha
