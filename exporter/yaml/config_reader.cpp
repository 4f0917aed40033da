#include "exporter/yaml/config_reader.h"

#include <algorithm>
#include <sstream>

#include "exporter/text/join.h"

namespace ipv6ha {

std::string ConfigError::ToString() const {
  std::ostringstream out;
  out << file;
  if (line > 0) out << ':' << line << ':' << column;
  out << ": " << message;
  return out.str();
}

void ConfigErrors::Add(const YAML::Mark& mark, std::string message) {
  if (mark.line < 0) {
    AddWithoutPosition(std::move(message));
    return;
  }
  errors_.push_back(
      {file_, mark.line + 1, mark.column + 1, std::move(message)});
}

void ConfigErrors::AddWithoutPosition(std::string message) {
  errors_.push_back({file_, 0, 0, std::move(message)});
}

std::string ConfigErrors::ToString() const {
  std::string out;
  for (const auto& e : errors_) {
    if (!out.empty()) out += '\n';
    out += e.ToString();
  }
  return out;
}

ConfigReader::ConfigReader(const YAML::Node& node, std::string path,
                           ConfigErrors* errors)
    : node_(node), path_(std::move(path)), errors_(errors) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    errors_->Add(node_.Mark(), (path_.empty() ? std::string("config") : path_) +
                                   " must be a mapping of keys to values");
  }
}

std::string ConfigReader::Where(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

bool ConfigReader::Has(const std::string& key) const {
  if (!node_.IsMap()) return false;
  return static_cast<bool>(node_[key]);
}

YAML::Node ConfigReader::Lookup(const std::string& key) {
  if (std::find(read_.begin(), read_.end(), key) == read_.end()) {
    read_.push_back(key);
  }
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  YAML::Node value = node_[key];
  if (!value || value.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
  return value;
}

std::optional<std::string> ConfigReader::String(const std::string& key) {
  YAML::Node v = Lookup(key);
  if (!v.IsDefined()) return std::nullopt;
  if (!v.IsScalar()) {
    errors_->Add(v.Mark(), Where(key) + " must be a string");
    return std::nullopt;
  }
  return v.Scalar();
}

std::string ConfigReader::String(const std::string& key,
                                 const std::string& fallback) {
  return String(key).value_or(fallback);
}

std::string ConfigReader::Enum(const std::string& key,
                               const std::vector<std::string>& allowed,
                               const std::string& fallback) {
  auto v = String(key);
  if (!v) return fallback;
  if (std::find(allowed.begin(), allowed.end(), *v) != allowed.end()) return *v;
  Fail(key, Where(key) + " must be one of " + Join(allowed, ", ") + ", not \"" +
                *v + "\"");
  return fallback;
}

bool ConfigReader::Bool(const std::string& key, bool fallback) {
  YAML::Node v = Lookup(key);
  if (!v.IsDefined()) return fallback;
  bool out = fallback;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, out)) {
    errors_->Add(v.Mark(), Where(key) + " must be true or false");
    return fallback;
  }
  return out;
}

std::int64_t ConfigReader::Int(const std::string& key, std::int64_t fallback,
                               std::int64_t min, std::int64_t max) {
  YAML::Node v = Lookup(key);
  if (!v.IsDefined()) return fallback;
  std::int64_t out = 0;
  if (!v.IsScalar() || !YAML::convert<std::int64_t>::decode(v, out)) {
    errors_->Add(v.Mark(), Where(key) + " must be a whole number");
    return fallback;
  }
  if (out < min || out > max) {
    errors_->Add(v.Mark(), Where(key) + " must be between " +
                               std::to_string(min) + " and " +
                               std::to_string(max) + ", not " +
                               std::to_string(out));
    return fallback;
  }
  return out;
}

double ConfigReader::Double(const std::string& key, double fallback, double min,
                            double max) {
  YAML::Node v = Lookup(key);
  if (!v.IsDefined()) return fallback;
  double out = 0;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, out)) {
    errors_->Add(v.Mark(), Where(key) + " must be a number");
    return fallback;
  }
  if (!(out >= min && out <= max)) {
    std::ostringstream msg;
    msg << Where(key) << " must be between " << min << " and " << max;
    errors_->Add(v.Mark(), msg.str());
    return fallback;
  }
  return out;
}

Duration ConfigReader::Dur(const std::string& key, Duration fallback,
                           Duration min, Duration max) {
  YAML::Node v = Lookup(key);
  if (!v.IsDefined()) return fallback;
  if (!v.IsScalar()) {
    errors_->Add(v.Mark(), Where(key) + " must be a duration such as 10s");
    return fallback;
  }
  auto d = ParseDuration(v.Scalar());
  if (!d) {
    errors_->Add(v.Mark(), Where(key) + ": " + d.error().message);
    return fallback;
  }
  max = std::min(max, kMaxConfigDuration);
  if (*d < min || *d > max) {
    errors_->Add(v.Mark(), Where(key) + " must be between " +
                               FormatDuration(min) + " and " +
                               FormatDuration(max) + ", not " + v.Scalar());
    return fallback;
  }
  return *d;
}

std::vector<std::string> ConfigReader::StringList(const std::string& key) {
  YAML::Node v = Lookup(key);
  std::vector<std::string> out;
  if (!v.IsDefined()) return out;
  if (v.IsScalar()) return {v.Scalar()};
  if (!v.IsSequence()) {
    errors_->Add(v.Mark(), Where(key) + " must be a list of strings");
    return out;
  }
  for (const auto& item : v) {
    if (!item.IsScalar()) {
      errors_->Add(item.Mark(), Where(key) + " must contain only strings");
      continue;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::optional<ConfigReader> ConfigReader::Map(const std::string& key) {
  YAML::Node v = Lookup(key);
  if (!v.IsDefined()) return std::nullopt;
  if (!v.IsMap()) {
    errors_->Add(v.Mark(), Where(key) + " must be a mapping of keys to values");
    return std::nullopt;
  }
  return ConfigReader(v, Where(key), errors_);
}

YAML::Node ConfigReader::Raw(const std::string& key) { return Lookup(key); }

std::vector<std::string> ConfigReader::Keys() const {
  std::vector<std::string> keys;
  if (!node_.IsMap()) return keys;
  for (const auto& kv : node_) keys.push_back(kv.first.as<std::string>(""));
  return keys;
}

void ConfigReader::Fail(const std::string& key, const std::string& message) {
  YAML::Node v = node_.IsMap() ? node_[key] : YAML::Node();
  errors_->Add(v && v.IsDefined() ? v.Mark() : node_.Mark(), message);
}

void ConfigReader::FailKey(const std::string& key, const std::string& message) {
  if (node_.IsMap()) {
    for (const auto& kv : node_) {
      if (kv.first.as<std::string>("") == key) {
        errors_->Add(kv.first.Mark(), message);
        return;
      }
    }
  }
  errors_->Add(node_.Mark(), message);
}

void ConfigReader::FailHere(const std::string& message) {
  errors_->Add(node_.Mark(), message);
}

void ConfigReader::RejectUnknownKeys() {
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string key = kv.first.as<std::string>("");
    if (std::find(read_.begin(), read_.end(), key) == read_.end()) {
      errors_->Add(kv.first.Mark(), "unknown key \"" + Where(key) + "\"");
    }
  }
}

}  // namespace ipv6ha
