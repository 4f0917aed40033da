#pragma once

// Follows the FIFO keepalived writes its notify lines to (`vrrp_notify_fifo
// PATH` in global_defs) and hands every complete line to a callback, in
// order, on its own thread.
//
// What keepalived does with the FIFO (keepalived/core/notify.c, 2.2):
//   - at start and after each reload it creates it (mkfifo, mode 0644; an
//     existing FIFO is reused) and opens it O_RDWR | O_NONBLOCK, so it is
//     itself a reader: its writes never block and never fail for want of a
//     reader, and what it writes while nobody reads stays in the pipe
//     buffer (64 KiB on Linux; when that is full, new lines are dropped);
//   - on a clean stop it writes STOP for every instance, closes the FIFO and
//     unlinks it if it created it; a reload closes, unlinks and creates it
//     again, so a reader must reopen it by path.
// So this reader opens the FIFO O_RDONLY | O_NONBLOCK: the end of the file
// (no writer left) means keepalived closed it; it then reopens the path.
// A missing FIFO is retried every 100 ms; an open one is compared with its
// path every second (a FIFO replaced while no writer had it open gives no
// end of file). No busy loop: every wait is a poll(2) on the FIFO and a
// stop pipe, with one of those timeouts.
//
// Thread safety: callbacks run one at a time, first on the thread that
// calls Start() (what is already buffered), then on the reader's thread.
// The destructor stops and joins it; no callback runs after it returns.

#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "exporter/platform/unique_fd.h"
#include "exporter/platform/vrrp_instance_table.h"

namespace ipv6ha {

class NotifyFifoReader {
 public:
  struct Feed {
    bool open = false;      // the FIFO is open; identity is valid
    FifoIdentity identity;  // of the open FIFO
    std::string problem;    // why it is not open (missing, closed, ...)
  };
  struct Callbacks {
    std::function<void(std::string_view line)> line;  // without the newline
    std::function<void(const Feed& feed)> feed;       // on every change
  };

  NotifyFifoReader(std::string path, Callbacks callbacks);
  ~NotifyFifoReader();
  NotifyFifoReader(const NotifyFifoReader&) = delete;
  NotifyFifoReader& operator=(const NotifyFifoReader&) = delete;

  // Opens the FIFO if it exists and delivers the lines already buffered on
  // the calling thread, then follows it on the reader's thread.
  void Start();

 private:
  void Loop();
  void TryOpen();
  // Reads what is there; the problem when keepalived closed the FIFO or
  // reading failed, else empty.
  std::string Drain();
  bool PathStillNamesOpenFifo() const;
  void Close(const std::string& problem);
  void Report(const Feed& feed);

  std::string path_;
  Callbacks callbacks_;
  UniqueFd fifo_;
  FifoIdentity identity_;
  std::string pending_;    // a line not yet ended by '\n'
  bool skipping_ = false;  // dropping the rest of an over-long line
  bool reported_ = false;  // what the feed callback was told last
  bool reported_open_ = false;
  std::string reported_problem_;
  UniqueFd stop_read_, stop_write_;
  std::thread thread_;
};

}  // namespace ipv6ha
