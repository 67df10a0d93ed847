#include "control/framing.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "pairspace.pb.h"

namespace pairspace::control {
namespace {

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

TEST(Framing, HeaderIsBigEndian) {
  EXPECT_EQ(encode_frame_header(0x01020304u), (FrameHeader{1, 2, 3, 4}));
  auto length = decode_frame_header(FrameHeader{0x00, 0x0F, 0x01, 0x02});
  ASSERT_TRUE(length.ok());
  EXPECT_EQ(*length, 0x000F0102u);
}

TEST(Framing, RejectsOversizeLengthFromHeaderAlone) {
  auto huge = decode_frame_header(FrameHeader{0xFF, 0xFF, 0xFF, 0xFF});
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, v1::CODE_USAGE);
  auto just_over = decode_frame_header(encode_frame_header(max_message_bytes + 1));
  EXPECT_FALSE(just_over.ok());
  auto at_limit = decode_frame_header(encode_frame_header(max_message_bytes));
  EXPECT_TRUE(at_limit.ok());
}

TEST(Framing, SplitRejectsOversizeBeforeThePayloadArrives) {
  // Only the header is present: the split must refuse, not wait for 4 GiB.
  const std::vector<std::uint8_t> header_only{0xFF, 0xFF, 0xFF, 0xFF};
  auto split = split_frame(header_only);
  ASSERT_FALSE(split.ok());
  EXPECT_EQ(split.error().code, v1::CODE_USAGE);
}

TEST(Framing, RoundTripsARequest) {
  v1::Request request;
  request.mutable_journal_add()->set_text("a quiet evening");
  auto frame = encode_frame(request);
  ASSERT_TRUE(frame.ok());
  auto bytes = bytes_of(*frame);
  auto split = split_frame(bytes);
  ASSERT_TRUE(split.ok());
  ASSERT_TRUE(split->has_value());
  EXPECT_EQ((*split)->consumed, bytes.size());
  v1::Request back;
  ASSERT_TRUE(back.ParseFromArray((*split)->payload.data(), static_cast<int>((*split)->payload.size())));
  EXPECT_EQ(back.journal_add().text(), "a quiet evening");
}

TEST(Framing, TruncatedInputNeedsMore) {
  v1::Request request;
  request.mutable_journal_show()->set_id(42);
  auto frame = encode_frame(request);
  ASSERT_TRUE(frame.ok());
  auto bytes = bytes_of(*frame);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    auto split = split_frame(std::span(bytes).first(cut));
    ASSERT_TRUE(split.ok()) << "cut " << cut;
    EXPECT_FALSE(split->has_value()) << "cut " << cut;
  }
}

TEST(Framing, SplitsTwoFramesInOneBuffer) {
  v1::Request a, b;
  a.mutable_status();
  b.mutable_journal_delete()->set_id(7);
  auto fa = encode_frame(a), fb = encode_frame(b);
  ASSERT_TRUE(fa.ok() && fb.ok());
  auto bytes = bytes_of(*fa + *fb);
  auto first = split_frame(bytes);
  ASSERT_TRUE(first.ok() && first->has_value());
  auto second = split_frame(std::span(bytes).subspan((*first)->consumed));
  ASSERT_TRUE(second.ok() && second->has_value());
  v1::Request back;
  ASSERT_TRUE(back.ParseFromArray((*second)->payload.data(), static_cast<int>((*second)->payload.size())));
  EXPECT_EQ(back.journal_delete().id(), 7u);
}

TEST(Framing, RefusesToEncodeOversizeMessage) {
  v1::Request request;
  request.mutable_journal_add()->set_text(std::string(max_message_bytes + 1, 'x'));
  auto frame = encode_frame(request);
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.error().code, v1::CODE_USAGE);
}

TEST(Framing, EmptyMessageIsAHeaderOfZero) {
  v1::Request request;  // no body: serialises to nothing
  auto frame = encode_frame(request);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(bytes_of(*frame), (std::vector<std::uint8_t>{0, 0, 0, 0}));
}

}  // namespace
}  // namespace pairspace::control
