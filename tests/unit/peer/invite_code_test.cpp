#include "peer/invite_code.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "peer/wordlist.hpp"

namespace pairspace::peer {
namespace {

const std::string usage_sentence =
    "That code doesn't look right: it should be a number and three words, like "
    "7-amber-lantern-sparrow.";

TEST(InviteCode, GeneratedCodesNormaliseToThemselves) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string code = generate_invite_code();
    Result<std::string> normal = normalise_invite_code(code);
    ASSERT_TRUE(normal.ok()) << code;
    EXPECT_EQ(*normal, code);
    seen.insert(code);
  }
  EXPECT_GT(seen.size(), 190u);  // 36.6 bits: collisions in 200 draws are vanishingly rare
}

TEST(InviteCode, UsesTheWholeRangeOfNumbersAndWords) {
  const auto words = word_list();
  const std::string lowest = generate_invite_code([](std::uint32_t) { return 0u; });
  EXPECT_EQ(lowest, "1-" + std::string(words[0]) + "-" + std::string(words[0]) + "-" +
                        std::string(words[0]));
  const std::string highest = generate_invite_code([](std::uint32_t upper) { return upper - 1; });
  const std::string last(words[word_count - 1]);
  EXPECT_EQ(highest, "99-" + last + "-" + last + "-" + last);
}

TEST(InviteCode, AsksForTheRightBoundsFromTheRandomSource) {
  std::vector<std::uint32_t> uppers;
  (void)generate_invite_code([&](std::uint32_t upper) {
    uppers.push_back(upper);
    return 0u;
  });
  EXPECT_EQ(uppers, (std::vector<std::uint32_t>{99, 1024, 1024, 1024}));
}

TEST(InviteCode, NormalisesWhatPeopleType) {
  EXPECT_EQ(*normalise_invite_code("7-amber-lantern-sparrow"), "7-amber-lantern-sparrow");
  EXPECT_EQ(*normalise_invite_code("  7 Amber LANTERN sparrow \n"), "7-amber-lantern-sparrow");
  EXPECT_EQ(*normalise_invite_code("7 - amber -- lantern\tsparrow"), "7-amber-lantern-sparrow");
  EXPECT_EQ(*normalise_invite_code("07-amber-lantern-sparrow"), "7-amber-lantern-sparrow");
  EXPECT_EQ(*normalise_invite_code("99-amber-lantern-sparrow"), "99-amber-lantern-sparrow");
}

TEST(InviteCode, RefusesCodesThatCannotBeRight) {
  const char* bad[] = {"",
                       "   ",
                       "7",
                       "7-amber-lantern",
                       "7-amber-lantern-sparrow-otter",
                       "0-amber-lantern-sparrow",
                       "100-amber-lantern-sparrow",
                       "007-amber-lantern-sparrow",
                       "-7-amber-lantern-sparrowx",
                       "seven-amber-lantern-sparrow",
                       "7-amber-lantern-notaword",
                       "amber-7-lantern-sparrow",
                       "7_amber_lantern_sparrow",
                       "7-\xc3\xa1mber-lantern-sparrow"};
  for (const char* typed : bad) {
    Result<std::string> normal = normalise_invite_code(typed);
    ASSERT_FALSE(normal.ok()) << typed;
    EXPECT_EQ(normal.error().code, v1::CODE_USAGE);
    EXPECT_EQ(normal.error().message, usage_sentence);
  }
}

TEST(InviteCode, RefusesVeryLongInput) {
  EXPECT_FALSE(normalise_invite_code(std::string(10000, ' ') + "7-amber-lantern-sparrow").ok());
}

}  // namespace
}  // namespace pairspace::peer
