#pragma once

// Typed, strict access to one YAML mapping of a config file. Every problem is
// recorded as a ConfigError naming file, line, column and what is wrong; keys
// that nobody read are errors too (RejectUnknownKeys), so a typo never passes
// silently. Not thread safe; used only while a config is being loaded.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exporter/base/duration.h"

namespace ipv6ha {

struct ConfigError {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string message;

  // "file:line:column: message", the form editors and CI annotate.
  std::string ToString() const;
};

class ConfigErrors {
 public:
  explicit ConfigErrors(std::string file) : file_(std::move(file)) {}
  void Add(const YAML::Mark& mark, std::string message);
  void AddWithoutPosition(std::string message);
  bool empty() const { return errors_.empty(); }
  const std::vector<ConfigError>& all() const { return errors_; }
  const std::string& file() const { return file_; }
  // All errors, one per line.
  std::string ToString() const;

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
};

// The longest duration any config key accepts. Durations are added to
// clock readings in nanoseconds, which overflow at ~292 years ("16000w" made
// poll_interval spin and hold_down withdraw at once); nothing an operator
// configures here needs more than a year (52w).
inline constexpr Duration kMaxConfigDuration = std::chrono::hours(24 * 7 * 52);

class ConfigReader {
 public:
  // `path` is the dotted location used in messages ("checks.nptv6_rules").
  ConfigReader(const YAML::Node& node, std::string path, ConfigErrors* errors);

  bool Has(const std::string& key) const;
  const std::string& path() const { return path_; }
  YAML::Mark mark() const { return node_.Mark(); }
  ConfigErrors* errors() const { return errors_; }

  std::optional<std::string> String(const std::string& key);
  std::string String(const std::string& key, const std::string& fallback);
  // One of `allowed`; anything else is an error listing the choices.
  std::string Enum(const std::string& key,
                   const std::vector<std::string>& allowed,
                   const std::string& fallback);
  bool Bool(const std::string& key, bool fallback);
  std::int64_t Int(const std::string& key, std::int64_t fallback,
                   std::int64_t min, std::int64_t max);
  double Double(const std::string& key, double fallback, double min,
                double max);
  // A duration between `min` and `max` (at most kMaxConfigDuration).
  Duration Dur(const std::string& key, Duration fallback,
               Duration min = Duration(0), Duration max = kMaxConfigDuration);
  std::vector<std::string> StringList(const std::string& key);
  // A nested mapping; nullopt when absent (or wrong type, which is recorded).
  std::optional<ConfigReader> Map(const std::string& key);
  // The raw node for shapes the reader does not model; marks `key` as read.
  YAML::Node Raw(const std::string& key);
  // Keys of this mapping, in file order.
  std::vector<std::string> Keys() const;

  // Records an error at the value of `key` (or at the mapping if absent).
  void Fail(const std::string& key, const std::string& message);
  // Records an error at `key` itself (for "unknown check" and the like).
  void FailKey(const std::string& key, const std::string& message);
  // Records an error at the mapping itself.
  void FailHere(const std::string& message);
  // Records "unknown key" for every key not read through this reader.
  void RejectUnknownKeys();

 private:
  YAML::Node Lookup(const std::string& key);
  std::string Where(const std::string& key) const;

  YAML::Node node_;
  std::string path_;
  ConfigErrors* errors_;
  std::vector<std::string> read_;
};

}  // namespace ipv6ha
