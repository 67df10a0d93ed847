#include "peer/wordlist.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace pairspace::peer {
namespace {

TEST(Wordlist, HasExactly1024DistinctWords) {
  const auto words = word_list();
  EXPECT_EQ(words.size(), 1024u);
  const std::set<std::string_view> distinct(words.begin(), words.end());
  EXPECT_EQ(distinct.size(), words.size());
}

TEST(Wordlist, WordsAreThreeToSevenLowercaseLetters) {
  for (std::string_view word : word_list()) {
    EXPECT_GE(word.size(), 3u) << word;
    EXPECT_LE(word.size(), 7u) << word;
    EXPECT_TRUE(std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
        << word;
  }
}

TEST(Wordlist, IsSortedSoLookupsWork) {
  const auto words = word_list();
  EXPECT_TRUE(std::is_sorted(words.begin(), words.end()));
  for (std::size_t i = 0; i < words.size(); ++i) {
    ASSERT_EQ(word_index(words[i]), i) << words[i];
  }
}

TEST(Wordlist, UnknownWordsHaveNoIndex) {
  EXPECT_FALSE(word_index("").has_value());
  EXPECT_FALSE(word_index("Amber").has_value());
  EXPECT_FALSE(word_index("amberx").has_value());
  EXPECT_FALSE(word_index("zzzzzzz").has_value());
  EXPECT_TRUE(word_index("amber").has_value());
  EXPECT_TRUE(word_index("lantern").has_value());
  EXPECT_TRUE(word_index("sparrow").has_value());
}

TEST(Wordlist, NoWellKnownHomophonePairs) {
  // Two words that sound alike would make a spoken code ambiguous.
  const std::pair<std::string_view, std::string_view> pairs[] = {
      {"pear", "pair"},   {"sea", "see"},     {"sun", "son"},     {"flower", "flour"},
      {"deer", "dear"},   {"hare", "hair"},   {"bear", "bare"},   {"thyme", "time"},
      {"beet", "beat"},   {"leek", "leak"},   {"sail", "sale"},   {"tail", "tale"},
      {"plane", "plain"}, {"whale", "wail"},  {"beach", "beech"}, {"moose", "mousse"},
      {"berry", "bury"},  {"peak", "peek"},   {"tide", "tied"},   {"creek", "creak"},
      {"cellar", "seller"}, {"roll", "role"}, {"gate", "gait"},   {"pearl", "purl"}};
  for (const auto& [a, b] : pairs) {
    EXPECT_FALSE(word_index(a) && word_index(b)) << a << " / " << b;
  }
}

}  // namespace
}  // namespace pairspace::peer
