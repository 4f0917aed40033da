#include "exporter/yaml/strict_yaml.h"

#include <yaml-cpp/eventhandler.h>

#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "exporter/text/utf8.h"

namespace ipv6ha {
namespace {

std::string Position(const YAML::Mark& m) {
  return "line " + std::to_string(m.line + 1) + ", column " +
         std::to_string(m.column + 1);
}

// Records every key that repeats one before it in the same mapping.
class DuplicateKeys {
 public:
  explicit DuplicateKeys(ConfigErrors& errors) : errors_(errors) {}

  void Walk(const YAML::Node& node) {
    if (!node.IsMap() && !node.IsSequence()) return;
    // An alias is the same node again: its mark is the anchor's.
    if (!visited_.insert(node.Mark().pos).second) return;
    if (node.IsSequence()) {
      for (const auto& item : node) Walk(item);
      return;
    }
    std::map<std::string, YAML::Mark> seen;
    for (const auto& kv : node) {
      if (kv.first.IsScalar()) {
        const std::string key = kv.first.Scalar();
        auto [first, inserted] = seen.emplace(key, kv.first.Mark());
        if (!inserted) {
          errors_.Add(kv.first.Mark(),
                      "key \"" + key + "\" is given twice in this mapping " +
                          "(first at " + Position(first->second) +
                          "); remove one of them");
        }
      }
      Walk(kv.second);
    }
  }

 private:
  ConfigErrors& errors_;
  std::set<int> visited_;
};

// Sees whether a document has content (an empty one is only a null), and
// where the content starts.
class DocumentProbe final : public YAML::EventHandler {
 public:
  bool has_content() const { return has_content_; }
  const YAML::Mark& start() const { return start_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { Content(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Content(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Content(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Content(m);
  }
  void OnMapEnd() override {}

 private:
  void Content(const YAML::Mark& m) {
    if (!has_content_) start_ = m;
    has_content_ = true;
  }
  bool has_content_ = false;
  YAML::Mark start_;
};

// Where a document with content after the first one starts. Not
// YAML::LoadAll: on some inputs (a NUL byte before "---", found by
// fuzz_config) its parser reports the same document forever, so at most
// kMaxDocuments are looked at.
std::optional<YAML::Mark> SecondDocument(std::string_view text) {
  constexpr int kMaxDocuments = 64;
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  for (int i = 0; i < kMaxDocuments; ++i) {
    DocumentProbe probe;
    if (!parser.HandleNextDocument(probe)) return std::nullopt;
    if (i > 0 && probe.has_content()) return probe.start();
  }
  return std::nullopt;
}

}  // namespace

YAML::Mark MarkAt(std::string_view text, std::size_t offset) {
  YAML::Mark mark;
  mark.pos = static_cast<int>(offset);
  mark.line = 0;
  mark.column = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++mark.line;
      mark.column = 0;
    } else {
      ++mark.column;
    }
  }
  return mark;
}

std::optional<YAML::Node> LoadStrictYaml(std::string_view text,
                                         ConfigErrors& errors) {
  if (const std::size_t bad = FirstInvalidUtf8(text);
      bad != std::string_view::npos) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X",
                  static_cast<unsigned char>(text[bad]));
    errors.Add(MarkAt(text, bad), std::string("byte ") + byte +
                                      " is not UTF-8; the file must be "
                                      "UTF-8 text");
    return std::nullopt;
  }
  YAML::Node root;
  std::optional<YAML::Mark> second;
  try {
    root = YAML::Load(std::string(text));
    second = SecondDocument(text);
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
  if (second) {
    errors.Add(*second,
               "a second YAML document (after \"---\"); the file must hold "
               "one document, and the second would be ignored");
    return std::nullopt;
  }
  if (!root.IsDefined()) return YAML::Node(YAML::NodeType::Null);
  const std::size_t before = errors.all().size();
  DuplicateKeys(errors).Walk(root);
  if (errors.all().size() != before) return std::nullopt;
  return root;
}

}  // namespace ipv6ha
