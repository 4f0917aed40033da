#include "exporter/text/bounded_json.h"

#include <string>

#include "exporter/text/utf8.h"

namespace ipv6ha {
namespace {

using Json = nlohmann::json;

// Validates syntax and counts nesting without building anything.
class DepthCheck final : public nlohmann::json_sax<Json> {
 public:
  explicit DepthCheck(std::size_t max_depth) : max_depth_(max_depth) {}

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool key(string_t&) override { return true; }
  bool start_object(std::size_t) override { return Enter(); }
  bool start_array(std::size_t) override { return Enter(); }
  bool end_object() override { return Leave(); }
  bool end_array() override { return Leave(); }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& e) override {
    // nlohmann quotes the last token read, raw bytes included.
    error_ = "not valid JSON: " + RepairUtf8(e.what());
    return false;
  }

  bool too_deep() const { return too_deep_; }
  const std::string& error() const { return error_; }

 private:
  bool Enter() {
    if (++depth_ <= max_depth_) return true;
    too_deep_ = true;
    return false;
  }
  bool Leave() {
    --depth_;
    return true;
  }

  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
  std::string error_;
};

}  // namespace

Expected<Json> ParseBoundedJson(std::string_view text,
                                const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Error{"is " + std::to_string(text.size()) +
                 " bytes, more than the " + std::to_string(limits.max_bytes) +
                 " allowed"};
  }
  DepthCheck check(limits.max_depth);
  if (!Json::sax_parse(text.begin(), text.end(), &check)) {
    if (check.too_deep()) {
      return Error{"nests objects and arrays deeper than " +
                   std::to_string(limits.max_depth) + " levels"};
    }
    return Error{check.error().empty() ? std::string("not valid JSON")
                                       : check.error()};
  }
  Json doc = Json::parse(text.begin(), text.end(), nullptr,
                         /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error{"not valid JSON"};
  return doc;
}

}  // namespace ipv6ha
