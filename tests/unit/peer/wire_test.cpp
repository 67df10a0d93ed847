#include "peer/wire.hpp"

#include <gtest/gtest.h>

namespace pairspace::peer {
namespace {

TEST(Wire, FirstFrameDecidesTheConnectionKind) {
  EXPECT_EQ(classify_first_frame(Bytes{0x01, 1}), ConnectionKind::pairing);
  EXPECT_EQ(classify_first_frame(Bytes{0x10}), ConnectionKind::session);
  EXPECT_EQ(classify_first_frame(Bytes{0x02}), ConnectionKind::unknown);
  EXPECT_EQ(classify_first_frame(Bytes{0x03, 1}), ConnectionKind::unknown);
  EXPECT_EQ(classify_first_frame(Bytes{}), ConnectionKind::unknown);
}

TEST(Wire, PairStartRoundTripsAt50Bytes) {
  PairStart start;
  for (std::size_t i = 0; i < start.sid.size(); ++i) start.sid[i] = static_cast<std::uint8_t>(i);
  for (std::size_t i = 0; i < start.ya.size(); ++i) start.ya[i] = static_cast<std::uint8_t>(100 + i);
  const Bytes body = encode_pair_start(start);
  ASSERT_EQ(body.size(), 50u);
  EXPECT_EQ(body[0], 0x01);
  EXPECT_EQ(body[1], 1);
  EXPECT_EQ(body[2], 0);
  EXPECT_EQ(body[18], 100);
  Result<PairStart> parsed = parse_pair_start(body);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->version, 1);
  EXPECT_EQ(parsed->sid, start.sid);
  EXPECT_EQ(parsed->ya, start.ya);
}

TEST(Wire, MalformedPairMessagesAreRefused) {
  Bytes start = encode_pair_start(PairStart{});
  start.pop_back();
  EXPECT_EQ(parse_pair_start(start).error().code, v1::CODE_REFUSED);
  Bytes wrong_type = encode_pair_start(PairStart{});
  wrong_type[0] = 0x02;
  EXPECT_FALSE(parse_pair_start(wrong_type).ok());

  const Bytes reply = encode_pair_reply(CpaceShare{});
  EXPECT_EQ(reply.size(), 33u);
  EXPECT_TRUE(parse_pair_reply(reply).ok());
  EXPECT_FALSE(parse_pair_reply(ByteView(reply).first(32)).ok());
  EXPECT_FALSE(parse_pair_reply(encode_pair_refused(RefusalReason::busy)).ok());
}

TEST(Wire, RefusalIsTwoBytesWithAReason) {
  const Bytes refused = encode_pair_refused(RefusalReason::code_mismatch);
  EXPECT_EQ(refused, (Bytes{0x03, 0x02}));
  EXPECT_TRUE(is_pair_refused(refused));
  EXPECT_EQ(pair_refused_reason(refused), 2);
  EXPECT_FALSE(is_pair_refused(Bytes{0x03, 0x02, 0x00}));
  EXPECT_FALSE(is_pair_refused(Bytes{0x03}));
}

TEST(Wire, EveryRefusalReasonHasAKindSentence) {
  for (int reason : {1, 2, 3, 4, 99}) {
    const Error error = refusal_error(static_cast<std::uint8_t>(reason));
    EXPECT_EQ(error.code, v1::CODE_REFUSED);
    EXPECT_FALSE(error.message.empty());
  }
  EXPECT_EQ(refusal_error(2).message, wrong_code_error().message);
  EXPECT_EQ(wrong_code_error().message,
            "The code didn't match, so nothing was paired. Ask your partner for a fresh code "
            "with `pairspace pair invite`.");
}

}  // namespace
}  // namespace pairspace::peer
