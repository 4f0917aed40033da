#pragma once

// Renders /metrics on a thread of its own, on demand, and keeps the last
// rendering as the bytes of a complete 200 response. A scrape takes the
// last rendering if it is under kFreshRendering old (and asks for the next
// one in the background), or under kMaxStaleRendering old while the next
// one is under way; otherwise it asks for one and waits (on an HTTP worker,
// never on the loop thread). Scrapes further apart than kFreshRendering, as
// Prometheus' are, always get a rendering that started after they came.
//
// Under a flood of scrapes the server only copies a pointer to finished
// bytes: nobody queues on the result store's lock, and the checks publish
// on time. Rendering on one thread also keeps its allocations in one
// thread's malloc cache (docs/reliability.md).
//
// Thread safety: every method may be called from any thread; the
// destructor joins the rendering thread (no Wait() may be running).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

#include "exporter/platform/clock.h"

namespace ipv6ha {

inline constexpr std::chrono::seconds kMaxStaleRendering{1};
inline constexpr std::chrono::milliseconds kFreshRendering{100};

struct RenderedMetrics {
  std::shared_ptr<const std::string> bytes;  // head and body
  std::size_t head_size = 0;
  std::chrono::steady_clock::time_point rendered_at;
};

class MetricsRenderer {
 public:
  // `render` returns the exposition text (it may throw); `extra_headers`
  // go into each response head (lines ending in CRLF); `clock` (it must
  // outlive the renderer) dates the renderings.
  MetricsRenderer(std::function<std::string()> render,
                  std::string extra_headers,
                  const Clock& clock = SystemClock());
  ~MetricsRenderer();
  MetricsRenderer(const MetricsRenderer&) = delete;
  MetricsRenderer& operator=(const MetricsRenderer&) = delete;

  // A rendering servable now, or null (then call Wait, off the loop).
  std::shared_ptr<const RenderedMetrics> Latest();
  // A servable rendering, waiting for one if needed; rethrows what the
  // rendering threw.
  std::shared_ptr<const RenderedMetrics> Wait();
  // For the renderings that follow; the current one is dropped.
  void SetExtraHeaders(std::string extra_headers);

 private:
  bool Servable(const std::shared_ptr<const RenderedMetrics>& r,
                bool asked) const;
  std::shared_ptr<const RenderedMetrics> Current();
  void AskForRendering();
  void AskForRenderingLocked();
  void Loop();

  std::function<std::string()> render_;
  const Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wanted_;  // to the renderer
  std::condition_variable done_;    // to the waiting scrapes
  std::string extra_headers_;
  bool want_ = false;
  bool rendering_ = false;
  bool stop_ = false;
  std::uint64_t generation_ = 0;  // finished renderings
  std::exception_ptr error_;      // of the last rendering, if it threw
  // The last finished rendering (null after one that threw), and whether
  // one is asked for or under way, for the path most scrapes take, where
  // readers do not exclude each other. (Not std::atomic<std::shared_ptr>:
  // libstdc++ guards it with a spin lock.)
  std::shared_mutex latest_mutex_;
  std::shared_ptr<const RenderedMetrics> latest_;
  std::atomic<bool> busy_{false};
  std::thread thread_;
};

}  // namespace ipv6ha
