#pragma once

// Sink `keepalived_track_file`: writes our contribution as a decimal integer
// to the file keepalived's track_file watches (configure it there with a
// negative weight, e.g. `weight -1`). Written atomically (temp file, fsync,
// rename), so keepalived never reads a partial number; an explicit 0 when
// healthy; the file is never deleted (keepalived reads a missing file as 0).

#include <string>

#include "exporter/demotion/demotion_sink.h"

namespace ipv6ha {

class TrackFileSink : public DemotionValue {
 public:
  explicit TrackFileSink(std::string path);
  Status Write(int to, int from) override;
  Expected<std::int64_t> ReadBack() override;

 private:
  std::string path_;
};

}  // namespace ipv6ha
