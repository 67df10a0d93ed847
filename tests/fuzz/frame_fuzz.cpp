// Partner wire: the u16 frame decoder fed in arbitrary slices, the clear-text pairing
// messages, a v1.Frame parse, and the encrypted Transport around it.
//
// Input: slice_seed(1) || byte stream as it would arrive on a partner TCP connection.
// Invariants:
//  - the decoder never holds more than one frame (2 + 65535 bytes);
//  - fed in slices, one byte at a time, or all at once, it yields exactly the bodies (and
//    the failure) of a straightforward reference parser;
//  - encode_frame(body) is header || body and decodes back to body;
//  - every clear-text message that parses re-encodes to the same bytes;
//  - a v1.Frame that parses re-serialises stably, and one that fits goes through
//    Transport encrypt/decrypt unchanged, while any flipped byte of its body is refused.
#include <algorithm>
#include <optional>

#include "fuzz_support.hpp"
#include "pairspace.pb.h"
#include "peer/frame_codec.hpp"
#include "peer/transport.hpp"
#include "peer/wire.hpp"

namespace pairspace::fuzz {
namespace {

struct Parsed {
  std::vector<Bytes> bodies;
  bool failed = false;
};

// The framing rule written out plainly: u16 length (never 0), then that many bytes.
Parsed reference_parse(ByteView stream) {
  Parsed out;
  std::size_t pos = 0;
  while (stream.size() - pos >= 2) {
    const std::size_t length = (std::size_t{stream[pos]} << 8) | stream[pos + 1];
    if (length == 0) {
      out.failed = true;
      return out;
    }
    if (stream.size() - pos - 2 < length) return out;
    out.bodies.emplace_back(stream.begin() + static_cast<std::ptrdiff_t>(pos + 2),
                            stream.begin() + static_cast<std::ptrdiff_t>(pos + 2 + length));
    pos += 2 + length;
  }
  return out;
}

Parsed decode_in_slices(ByteView stream, std::uint8_t slice_seed) {
  Parsed out;
  peer::FrameDecoder decoder;
  std::size_t pos = 0;
  std::size_t round = 0;
  while (pos < stream.size()) {
    // Slice sizes 1..64 (0 seed: one byte at a time), varying with the position.
    const std::size_t size =
        slice_seed == 0 ? 1 : 1 + (slice_seed * (round + 1) + pos) % 64;
    ++round;
    ByteView slice = stream.subspan(pos, std::min(size, stream.size() - pos));
    while (!slice.empty()) {
      Result<std::size_t> used = decoder.feed(slice);
      FUZZ_CHECK(decoder.buffered_bytes() <= peer::frame_header_bytes + peer::max_frame_body_bytes);
      if (!used) {
        FUZZ_CHECK(decoder.has_failed());
        FUZZ_CHECK(used.error().code == v1::CODE_REFUSED);
        FUZZ_CHECK(!decoder.feed(slice).ok());  // stays failed
        out.failed = true;
        return out;
      }
      FUZZ_CHECK(*used <= slice.size());
      if (std::optional<Bytes> body = decoder.take_body()) {
        out.bodies.push_back(std::move(*body));
      } else {
        FUZZ_CHECK(*used == slice.size());  // consumed everything unless a body completed
      }
      slice = slice.subspan(*used);
    }
    pos += size;
  }
  return out;
}

void check_clear_text_messages(const Bytes& body) {
  const peer::ConnectionKind kind = peer::classify_first_frame(body);
  if (Result<peer::PairStart> start = peer::parse_pair_start(body)) {
    FUZZ_CHECK(kind == peer::ConnectionKind::pairing);
    FUZZ_CHECK(peer::encode_pair_start(*start) == body);
  }
  if (Result<peer::CpaceShare> reply = peer::parse_pair_reply(body)) {
    Bytes again = peer::encode_pair_reply(*reply);
    FUZZ_CHECK(again == body);
  }
  if (peer::is_pair_refused(body)) {
    const std::uint8_t reason = peer::pair_refused_reason(body);
    FUZZ_CHECK(peer::encode_pair_refused(static_cast<peer::RefusalReason>(reason)) == body);
    const Error error = peer::refusal_error(reason);
    FUZZ_CHECK(error.code == v1::CODE_REFUSED && !error.message.empty());
  }
}

struct Link {
  peer::Transport a;
  peer::Transport b;
};

Link fixed_link() {
  const std::array<std::uint8_t, 32> k1 = [] { std::array<std::uint8_t, 32> k{}; k.fill(1); return k; }();
  const std::array<std::uint8_t, 32> k2 = [] { std::array<std::uint8_t, 32> k{}; k.fill(2); return k; }();
  auto ciphers = [](ByteView send, ByteView recv) {
    noise::TransportCiphers c;
    c.send.initialize_key(send);
    c.recv.initialize_key(recv);
    return c;
  };
  const Bytes h(64, 7);
  return Link{peer::Transport(ciphers(k1, k2), h), peer::Transport(ciphers(k2, k1), h)};
}

void check_frame(const Bytes& body, std::uint8_t flip) {
  v1::Frame frame;
  if (!frame.ParseFromArray(body.data(), static_cast<int>(body.size()))) return;
  std::string once;
  FUZZ_CHECK(frame.SerializeToString(&once));
  FUZZ_CHECK(once.size() == frame.ByteSizeLong());
  v1::Frame again;
  FUZZ_CHECK(again.ParseFromString(once));
  std::string twice;
  FUZZ_CHECK(again.SerializeToString(&twice));
  FUZZ_CHECK(once == twice);

  Link link = fixed_link();
  Result<Bytes> sealed = link.a.encrypt(frame);
  if (once.size() > peer::max_frame_plaintext_bytes) {
    FUZZ_CHECK(!sealed.ok());
    return;
  }
  FUZZ_CHECK(sealed.ok());
  FUZZ_CHECK(sealed->size() == once.size() + noise::tag_bytes);
  FUZZ_CHECK(peer::encode_frame(*sealed).ok());  // a sealed Frame always fits one body

  Bytes tampered = *sealed;
  tampered[flip % tampered.size()] ^= static_cast<std::uint8_t>(1u << (flip % 8));
  Link other = fixed_link();
  FUZZ_CHECK(other.a.encrypt(frame).ok());
  FUZZ_CHECK(!other.b.decrypt(tampered).ok());
  FUZZ_CHECK(other.b.has_failed());

  Result<v1::Frame> opened = link.b.decrypt(*sealed);
  FUZZ_CHECK(opened.ok());
  std::string reopened;
  FUZZ_CHECK(opened->SerializeToString(&reopened));
  FUZZ_CHECK(reopened == once);
  FUZZ_CHECK(!link.b.decrypt(*sealed).ok());  // a replay is refused
}

}  // namespace
}  // namespace pairspace::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pairspace::fuzz::fuzz_init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pairspace;
  using namespace pairspace::fuzz;
  FuzzInput in(data, size);
  const std::uint8_t slice_seed = in.u8();
  const ByteView stream = in.rest();

  const Parsed expected = reference_parse(stream);
  const Parsed sliced = decode_in_slices(stream, slice_seed);
  FUZZ_CHECK(sliced.failed == expected.failed);
  FUZZ_CHECK(sliced.bodies == expected.bodies);

  Parsed whole;
  peer::FrameDecoder decoder;
  whole.failed = !decoder.feed_all(stream, whole.bodies).ok();
  FUZZ_CHECK(whole.failed == expected.failed);
  FUZZ_CHECK(whole.bodies == expected.bodies);

  for (const Bytes& body : expected.bodies) {
    Result<Bytes> framed = peer::encode_frame(body);
    FUZZ_CHECK(framed.ok());
    FUZZ_CHECK(framed->size() == body.size() + 2);
    FUZZ_CHECK(std::equal(body.begin(), body.end(), framed->begin() + 2));
    std::vector<Bytes> back;
    peer::FrameDecoder fresh;
    FUZZ_CHECK(fresh.feed_all(*framed, back).ok());
    FUZZ_CHECK(back.size() == 1 && back[0] == body);
    check_clear_text_messages(body);
    check_frame(body, slice_seed);
  }
  FUZZ_CHECK(!peer::encode_frame({}).ok());
  return 0;
}
