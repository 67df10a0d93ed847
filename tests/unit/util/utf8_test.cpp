#include "util/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pairspace::util {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("recharging, love you"));
  EXPECT_TRUE(valid_utf8("Grüße — “take your time” ☕ 🌙"));
  EXPECT_TRUE(valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8, RefusesMalformedText) {
  EXPECT_FALSE(valid_utf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(valid_utf8("\xC3"));              // truncated two-byte form
  EXPECT_FALSE(valid_utf8("ok\xE2\x80"));        // truncated at the end
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong three-byte form
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xFF"));
  EXPECT_FALSE(valid_utf8("\xC3\x28"));          // bad continuation
}

}  // namespace
}  // namespace pairspace::util
