#include "exporter/config/strict_yaml.h"

#include <cstdio>
#include <map>
#include <set>
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
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
  if (docs.empty()) return YAML::Node(YAML::NodeType::Null);
  for (std::size_t i = 1; i < docs.size(); ++i) {
    if (docs[i].IsNull()) continue;
    errors.Add(docs[i].Mark(),
               "a second YAML document (after \"---\"); the file must hold "
               "one document, and the second would be ignored");
    return std::nullopt;
  }
  const std::size_t before = errors.all().size();
  DuplicateKeys(errors).Walk(docs[0]);
  if (errors.all().size() != before) return std::nullopt;
  return docs[0];
}

}  // namespace ipv6ha
