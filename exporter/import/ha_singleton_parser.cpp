#include "exporter/import/ha_singleton_parser.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace ipv6ha {
namespace {

bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
bool EndsWord(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';';
}

// A cursor over the file that counts lines and builds errors.
class ShellScanner {
 public:
  ShellScanner(std::string_view text, const std::string& name)
      : text_(text), name_(name) {}

  Expected<ShellVariables> Run() {
    while (true) {
      SkipBlanks(/*newlines=*/true);
      if (AtEnd()) break;
      if (Peek() == '#') {
        SkipComment();
        continue;
      }
      if (!Statement()) return Error{error_};
    }
    return std::move(out_);
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  char Take() {
    const char c = text_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }
  bool Fail(int line, const std::string& message) {
    error_ = name_ + ":" + std::to_string(line) + ": " + message;
    return false;
  }
  void SkipBlanks(bool newlines) {
    while (!AtEnd()) {
      const char c = Peek();
      if (c == ' ' || c == '\t' || c == '\r' ||
          (newlines && (c == '\n' || c == ';'))) {
        Take();
      } else if (c == '\\' && Peek(1) == '\n') {  // line continuation
        Take();
        Take();
      } else {
        break;
      }
    }
  }
  void SkipComment() {
    while (!AtEnd() && Peek() != '\n') Take();
  }
  std::string ReadName() {
    std::string name;
    while (!AtEnd() && IsNameChar(Peek())) name += Take();
    return name;
  }
  // The rest of the current word, for messages.
  std::string WordHere() {
    std::size_t end = pos_;
    while (end < text_.size() && !EndsWord(text_[end])) ++end;
    return std::string(
        text_.substr(pos_, std::min<std::size_t>(end - pos_, 40)));
  }

  // One simple command: assignments, or `export` with names/assignments.
  bool Statement() {
    const int line = line_;
    bool exported = false;
    if (text_.substr(pos_, 7) == "export " ||
        text_.substr(pos_, 7) == "export\t") {
      pos_ += 6;
      exported = true;
    }
    bool any = false;
    while (true) {
      SkipBlanks(/*newlines=*/false);
      if (AtEnd() || Peek() == '\n' || Peek() == ';') break;
      if (Peek() == '#') {
        SkipComment();
        break;
      }
      const std::size_t word_start = pos_;
      if (!IsNameStart(Peek())) return NotAnAssignment(line);
      std::string name = ReadName();
      if (Peek() != '=') {
        if (exported && (AtEnd() || EndsWord(Peek()) || Peek() == '#')) {
          MarkExported(name);  // `export NAME`
          any = true;
          continue;
        }
        pos_ = word_start;
        return NotAnAssignment(line);
      }
      Take();  // '='
      const int value_line = line_;
      std::string value;
      if (!Value(value)) return false;
      out_.assignments.push_back(
          {name, value, value_line, exported || IsExported(name)});
      vars_[name] = value;
      any = true;
    }
    if (!any && exported) return Fail(line, "`export` without a variable name");
    return true;
  }
  bool NotAnAssignment(int line) {
    return Fail(line,
                "only variable assignments (NAME=value) are understood; \"" +
                    WordHere() + "\" would need the file to be run by a shell");
  }
  void MarkExported(const std::string& name) {
    exported_names_.push_back(name);
    for (auto& a : out_.assignments) {
      if (a.name == name) a.exported = true;
    }
  }
  bool IsExported(const std::string& name) const {
    return std::find(exported_names_.begin(), exported_names_.end(), name) !=
           exported_names_.end();
  }

  // One word after '=': unquoted, '...' and "..." parts until a blank.
  bool Value(std::string& out) {
    while (!AtEnd() && !EndsWord(Peek())) {
      const char c = Peek();
      const int line = line_;
      if (c == '\'') {
        Take();
        while (!AtEnd() && Peek() != '\'') out += Take();
        if (AtEnd()) return Fail(line, "unterminated single quote");
        Take();
      } else if (c == '"') {
        Take();
        if (!DoubleQuoted(out, line)) return false;
      } else if (c == '\\') {
        Take();
        if (AtEnd()) break;
        if (Peek() == '\n') {
          Take();  // continuation inside a word
        } else {
          out += Take();
        }
      } else if (c == '$') {
        if (!Dollar(out)) return false;
      } else if (c == '`') {
        return Fail(
            line,
            "command substitution with backquotes is not run by the importer");
      } else if (c == '|' || c == '&' || c == '<' || c == '>' || c == '(' ||
                 c == ')') {
        return Fail(line, std::string("\"") + c +
                              "\" is shell syntax the importer does not run; "
                              "quote the value");
      } else {
        out += Take();
      }
    }
    return true;
  }

  bool DoubleQuoted(std::string& out, int start_line) {
    while (!AtEnd() && Peek() != '"') {
      const char c = Peek();
      if (c == '\\') {
        Take();
        if (AtEnd()) break;
        const char next = Peek();
        if (next == '\n') {
          Take();
        } else if (next == '$' || next == '`' || next == '"' || next == '\\') {
          out += Take();
        } else {
          out += '\\';
        }
      } else if (c == '$') {
        if (!Dollar(out)) return false;
      } else if (c == '`') {
        return Fail(
            line_,
            "command substitution with backquotes is not run by the importer");
      } else {
        out += Take();
      }
    }
    if (AtEnd()) return Fail(start_line, "unterminated double quote");
    Take();
    return true;
  }

  void Expand(const std::string& name, int line, std::string& out) {
    auto it = vars_.find(name);
    if (it == vars_.end()) {
      out_.warnings.push_back(
          name_ + ":" + std::to_string(line) + ": $" + name +
          " is not set earlier in the file; it expands to \"\"");
      return;
    }
    out += it->second;
  }

  // At '$': $NAME, ${NAME}, ${NAME:-word}, ${NAME-word}; a lone '$' is literal.
  bool Dollar(std::string& out) {
    const int line = line_;
    Take();  // '$'
    if (IsNameStart(Peek())) {
      Expand(ReadName(), line, out);
      return true;
    }
    if (Peek() == '(') {
      return Fail(line,
                  "$(...) runs a command; the importer never runs the file");
    }
    if (Peek() == '{') {
      Take();
      if (!IsNameStart(Peek())) {
        return Fail(line, "${" + WordHere() +
                              " is an expansion the importer does not support");
      }
      const std::string name = ReadName();
      if (Peek() == '}') {
        Take();
        Expand(name, line, out);
        return true;
      }
      const bool colon = Peek() == ':';
      if (colon) Take();
      if (Peek() != '-') {
        return Fail(line, "${" + name + (colon ? ":" : "") + Peek() +
                              "...} is not supported; use ${NAME}, "
                              "${NAME:-word} or ${NAME-word}");
      }
      Take();
      std::string word;
      while (!AtEnd() && Peek() != '}') {
        if (Peek() == '$') {
          if (!Dollar(word)) return false;
        } else if (Peek() == '"' || Peek() == '\'') {
          Take();  // quotes inside the default word only group
        } else {
          word += Take();
        }
      }
      if (AtEnd()) return Fail(line, "unterminated ${" + name);
      Take();
      auto it = vars_.find(name);
      const bool use_word = it == vars_.end() || (colon && it->second.empty());
      out += use_word ? word : it->second;
      return true;
    }
    if (std::isdigit(static_cast<unsigned char>(Peek())) ||
        std::string_view("@*#?$!-").find(Peek()) != std::string_view::npos) {
      if (!AtEnd()) {
        return Fail(line, std::string("$") + Peek() +
                              " is a shell parameter; the file is not run, so "
                              "it has no value");
      }
    }
    out += '$';
    return true;
  }

  std::string_view text_;
  std::string name_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::string error_;
  ShellVariables out_;
  std::map<std::string, std::string> vars_;
  std::vector<std::string> exported_names_;
};

}  // namespace

std::optional<std::string> ShellVariables::Get(const std::string& name) const {
  for (auto it = assignments.rbegin(); it != assignments.rend(); ++it) {
    if (it->name == name) return it->value;
  }
  return std::nullopt;
}

Expected<ShellVariables> ParseHaSingleton(std::string_view text,
                                          const std::string& name) {
  return ShellScanner(text, name).Run();
}

bool ShellFlagIsTrue(const std::string& value) {
  std::string v;
  for (char c : value)
    v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "1" || v == "yes" || v == "true" || v == "on" || v == "y";
}

}  // namespace ipv6ha
