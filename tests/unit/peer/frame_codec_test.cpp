#include "peer/frame_codec.hpp"

#include <gtest/gtest.h>

#include <random>

namespace pairspace::peer {
namespace {

Bytes body_of(std::size_t size, std::uint8_t seed) {
  Bytes body(size);
  for (std::size_t i = 0; i < size; ++i) body[i] = static_cast<std::uint8_t>(seed + i * 7);
  return body;
}

Bytes stream_of(const std::vector<Bytes>& bodies) {
  Bytes stream;
  for (const Bytes& body : bodies) {
    Result<Bytes> frame = encode_frame(body);
    EXPECT_TRUE(frame.ok());
    stream.insert(stream.end(), frame->begin(), frame->end());
  }
  return stream;
}

TEST(FrameCodec, EncodesBigEndianLength) {
  Result<Bytes> frame = encode_frame(body_of(0x0102, 3));
  ASSERT_TRUE(frame.ok());
  ASSERT_EQ(frame->size(), 2u + 0x0102);
  EXPECT_EQ((*frame)[0], 0x01);
  EXPECT_EQ((*frame)[1], 0x02);
  EXPECT_EQ((*frame)[2], 3);
}

TEST(FrameCodec, EncoderRefusesEmptyAndOversizeBodies) {
  EXPECT_EQ(encode_frame({}).error().code, v1::CODE_USAGE);
  EXPECT_EQ(encode_frame(body_of(65536, 1)).error().code, v1::CODE_USAGE);
  EXPECT_TRUE(encode_frame(body_of(65535, 1)).ok());
}

TEST(FrameCodec, DecodesOneByteAtATime) {
  const std::vector<Bytes> bodies = {body_of(1, 1), body_of(73, 2), body_of(300, 3),
                                     body_of(65535, 4)};
  const Bytes stream = stream_of(bodies);
  FrameDecoder decoder;
  std::vector<Bytes> got;
  for (std::uint8_t byte : stream) {
    Result<std::size_t> used = decoder.feed(ByteView(&byte, 1));
    ASSERT_TRUE(used.ok());
    ASSERT_EQ(*used, 1u);
    EXPECT_LE(decoder.buffered_bytes(), 2u + 65535u);
    if (auto body = decoder.take_body()) got.push_back(std::move(*body));
  }
  EXPECT_EQ(got, bodies);
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
}

TEST(FrameCodec, DecodesArbitrarySlices) {
  const std::vector<Bytes> bodies = {body_of(5, 9), body_of(1000, 8), body_of(2, 7),
                                     body_of(4096, 6)};
  const Bytes stream = stream_of(bodies);
  std::mt19937 rng(42);
  for (int round = 0; round < 20; ++round) {
    FrameDecoder decoder;
    std::vector<Bytes> got;
    std::size_t offset = 0;
    while (offset < stream.size()) {
      const std::size_t slice = std::min<std::size_t>(1 + rng() % 1500, stream.size() - offset);
      ASSERT_TRUE(decoder.feed_all(ByteView(stream).subspan(offset, slice), got).ok());
      offset += slice;
    }
    EXPECT_EQ(got, bodies);
  }
}

TEST(FrameCodec, FeedStopsAtTheEndOfEachBody) {
  const Bytes stream = stream_of({body_of(3, 1), body_of(4, 2)});
  FrameDecoder decoder;
  Result<std::size_t> used = decoder.feed(stream);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(*used, 5u);
  EXPECT_TRUE(decoder.has_body());
  // Nothing more is consumed until the body is taken.
  EXPECT_EQ(*decoder.feed(ByteView(stream).subspan(5)), 0u);
  EXPECT_EQ(decoder.take_body(), body_of(3, 1));
  EXPECT_EQ(*decoder.feed(ByteView(stream).subspan(5)), 6u);
  EXPECT_EQ(decoder.take_body(), body_of(4, 2));
}

TEST(FrameCodec, RefusesZeroLengthAndStaysFailed) {
  FrameDecoder decoder;
  const Bytes zero = {0x00, 0x00, 0x05};
  Result<std::size_t> used = decoder.feed(zero);
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().code, v1::CODE_REFUSED);
  EXPECT_TRUE(decoder.has_failed());
  const Bytes good = stream_of({body_of(3, 1)});
  EXPECT_FALSE(decoder.feed(good).ok());
}

TEST(FrameCodec, ZeroLengthAfterGoodFramesIsRefused) {
  Bytes stream = stream_of({body_of(3, 1)});
  stream.push_back(0x00);
  stream.push_back(0x00);
  FrameDecoder decoder;
  std::vector<Bytes> got;
  EXPECT_FALSE(decoder.feed_all(stream, got).ok());
  EXPECT_EQ(got.size(), 1u);
}

TEST(FrameCodec, NeverHoldsMoreThanOneMaximalFrame) {
  // A slice holding far more than one frame: the decoder takes one frame at a time.
  const Bytes stream = stream_of({body_of(65535, 1), body_of(65535, 2), body_of(65535, 3)});
  FrameDecoder decoder;
  ByteView rest(stream);
  int bodies = 0;
  while (!rest.empty()) {
    Result<std::size_t> used = decoder.feed(rest);
    ASSERT_TRUE(used.ok());
    EXPECT_LE(*used, 2u + 65535u);
    EXPECT_LE(decoder.buffered_bytes(), 2u + 65535u);
    rest = rest.subspan(*used);
    if (decoder.take_body()) ++bodies;
  }
  EXPECT_EQ(bodies, 3);
}

TEST(FrameCodec, GarbageNeverBreaksTheBound) {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    Bytes garbage(1 + rng() % 200000);
    for (auto& byte : garbage) byte = static_cast<std::uint8_t>(rng());
    FrameDecoder decoder;
    std::vector<Bytes> got;
    const Status status = decoder.feed_all(garbage, got);
    EXPECT_LE(decoder.buffered_bytes(), 2u + 65535u);
    for (const Bytes& body : got) {
      EXPECT_GE(body.size(), 1u);
      EXPECT_LE(body.size(), 65535u);
    }
    if (!status.ok()) {
      EXPECT_TRUE(decoder.has_failed());
    }
  }
}

}  // namespace
}  // namespace pairspace::peer
