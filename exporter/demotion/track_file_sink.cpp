#include "exporter/demotion/track_file_sink.h"

#include <charconv>

#include "exporter/platform/atomic_file.h"

namespace ipv6ha {

TrackFileSink::TrackFileSink(std::string path) : path_(std::move(path)) {}

Status TrackFileSink::Write(int to, int) {
  return WriteFileAtomically(path_, std::to_string(to) + "\n");
}

Expected<std::int64_t> TrackFileSink::ReadBack() {
  auto text = ReadSmallFile(path_, 127);  // keepalived reads at most 127 bytes
  if (!text) return text.error();
  std::int64_t v = 0;
  const char* begin = text->data();
  while (begin < text->data() + text->size() && *begin == ' ') ++begin;
  auto [ptr, ec] = std::from_chars(begin, text->data() + text->size(), v);
  if (ec != std::errc()) return Error{path_ + " does not hold an integer"};
  return v;
}

}  // namespace ipv6ha
