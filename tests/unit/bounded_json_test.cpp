#include "exporter/text/bounded_json.h"

#include <gtest/gtest.h>

#include "exporter/text/utf8.h"

namespace ipv6ha {
namespace {

TEST(BoundedJsonTest, ReadsADocumentWithinTheLimits) {
  auto doc = ParseBoundedJson(R"({"a": [1, {"b": [true]}]})", {1024, 4});
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_TRUE((*doc)["a"][1]["b"][0].get<bool>());
}

TEST(BoundedJsonTest, RefusesNestingBeyondTheLimit) {
  auto doc = ParseBoundedJson(R"({"a": [1, {"b": [true]}]})", {1024, 3});
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().message,
            "nests objects and arrays deeper than 3 levels");
}

TEST(BoundedJsonTest, RefusesA200000DeepDocumentWithoutRecursing) {
  const std::size_t depth = 200000;
  const std::string text = std::string(depth, '[') + std::string(depth, ']');
  auto doc = ParseBoundedJson(text, {1 << 20, 64});
  ASSERT_FALSE(doc);
  EXPECT_NE(doc.error().message.find("deeper than 64"), std::string::npos);
}

TEST(BoundedJsonTest, RefusesTextAboveTheSizeLimit) {
  auto doc = ParseBoundedJson(std::string(100, ' ') + "{}", {64, 8});
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().message, "is 102 bytes, more than the 64 allowed");
}

TEST(BoundedJsonTest, SyntaxErrorsNameThePlaceAndAreValidUtf8) {
  // nlohmann quotes the last token raw; the message must still be UTF-8.
  auto doc = ParseBoundedJson("{\"0\": {\"interface\": ig\xff\xfe}}", {});
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().message.rfind("not valid JSON: ", 0), 0u);
  EXPECT_NE(doc.error().message.find("line 1, column"), std::string::npos)
      << doc.error().message;
  EXPECT_TRUE(IsValidUtf8(doc.error().message)) << doc.error().message;
}

TEST(BoundedJsonTest, InvalidUtf8InsideAStringIsASyntaxError) {
  auto doc = ParseBoundedJson("{\"name\": \"fw\xff\"}", {});
  ASSERT_FALSE(doc);
  EXPECT_TRUE(IsValidUtf8(doc.error().message));
}

}  // namespace
}  // namespace ipv6ha
