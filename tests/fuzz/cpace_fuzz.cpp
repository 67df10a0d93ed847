// CPace (the pairing PAKE) and its clear-text pairing messages.
//
// Input: role(1) || prs chunk || ci chunk || sid chunk || ad chunk || peer_ad chunk ||
//        peer share (32 bytes, or fewer) || other_prs(1) || rest: a PAIR_START/PAIR_REPLY body
// Invariants:
//  - a fuzz-chosen peer share is accepted only when it is a canonical ristretto255 encoding
//    other than the neutral element; a second finish() is refused as a usage error;
//  - two honest sides with the same inputs derive the same 64-byte ISK, in every role;
//    a different password gives a different ISK;
//  - the length-value encodings are injective where the draft needs them (prepend_len
//    decodes back), and the generator never leaks as the share;
//  - PAIR_START/PAIR_REPLY parse only at their exact sizes and re-encode to the same bytes.
#include <sodium.h>

#include "fuzz_support.hpp"
#include "pake/cpace.hpp"
#include "peer/wire.hpp"

namespace pairspace::fuzz {
namespace {

pake::CpaceRole role_of(std::uint8_t b) {
  switch (b % 3) {
    case 0:
      return pake::CpaceRole::initiator;
    case 1:
      return pake::CpaceRole::responder;
    default:
      return pake::CpaceRole::symmetric;
  }
}

pake::CpaceRole peer_role(pake::CpaceRole r) {
  if (r == pake::CpaceRole::initiator) return pake::CpaceRole::responder;
  if (r == pake::CpaceRole::responder) return pake::CpaceRole::initiator;
  return r;
}

// Reads one LEB128 length prefix back (the inverse prepend_len must have).
bool read_leb128(ByteView data, std::size_t& pos, std::size_t& value) {
  value = 0;
  for (unsigned shift = 0; pos < data.size() && shift < 64; shift += 7) {
    const std::uint8_t b = data[pos++];
    value |= static_cast<std::size_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

void check_prepend_len(ByteView data) {
  const pake::Bytes encoded = pake::prepend_len(data);
  std::size_t pos = 0;
  std::size_t length = 0;
  FUZZ_CHECK(read_leb128(encoded, pos, length));
  FUZZ_CHECK(length == data.size());
  FUZZ_CHECK(encoded.size() == pos + data.size());
  FUZZ_CHECK(std::equal(data.begin(), data.end(), encoded.begin() + static_cast<std::ptrdiff_t>(pos)));
}

void check_wire(ByteView body) {
  if (Result<peer::PairStart> start = peer::parse_pair_start(body)) {
    FUZZ_CHECK(body.size() == 50);
    const Bytes again = peer::encode_pair_start(*start);
    FUZZ_CHECK(std::equal(again.begin(), again.end(), body.begin(), body.end()));
  } else {
    FUZZ_CHECK(body.size() != 50 || body[0] != 0x01);
  }
  if (Result<peer::CpaceShare> reply = peer::parse_pair_reply(body)) {
    FUZZ_CHECK(body.size() == 33);
    const Bytes again = peer::encode_pair_reply(*reply);
    FUZZ_CHECK(std::equal(again.begin(), again.end(), body.begin(), body.end()));
  } else {
    FUZZ_CHECK(body.size() != 33 || body[0] != 0x02);
  }
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
  reset_random();
  FuzzInput in(data, size);
  const pake::CpaceRole role = role_of(in.u8());
  const ByteView prs = in.chunk();
  const ByteView ci = in.chunk();
  const ByteView sid = in.chunk();
  const ByteView ad = in.chunk();
  const ByteView peer_ad = in.chunk();
  const ByteView fuzz_share = in.take(32);
  const std::uint8_t other_prs_byte = in.u8();
  const ByteView wire_body = in.rest();

  check_prepend_len(prs);
  check_prepend_len(sid);
  check_wire(wire_body);

  // One side against a fuzz-chosen share.
  Result<pake::Cpace> mine = pake::Cpace::start(role, {prs, ci, sid}, ad);
  FUZZ_CHECK(mine.ok());
  FUZZ_CHECK(crypto_core_ristretto255_is_valid_point(mine->share().data()) == 1);
  const crypto::SecureBytes g = pake::calculate_generator(prs, ci, sid);
  FUZZ_CHECK(g.size() == pake::point_bytes);
  FUZZ_CHECK(sodium_memcmp(g.data(), mine->share().data(), g.size()) != 0);
  Result<crypto::SecureBytes> isk = mine->finish(fuzz_share, peer_ad);
  const bool valid_point = fuzz_share.size() == pake::point_bytes &&
                           crypto_core_ristretto255_is_valid_point(fuzz_share.data()) == 1;
  if (isk) {
    FUZZ_CHECK(valid_point);
    FUZZ_CHECK(isk->size() == pake::hash_bytes);
  } else {
    FUZZ_CHECK(isk.error().code == v1::CODE_REFUSED || !valid_point);
  }
  Result<crypto::SecureBytes> again = mine->finish(fuzz_share, peer_ad);
  FUZZ_CHECK(!again.ok() && again.error().code == v1::CODE_USAGE);

  // Two honest sides.
  use_random_stream(1);
  Result<pake::Cpace> a = pake::Cpace::start(role, {prs, ci, sid}, ad);
  use_random_stream(2);
  Result<pake::Cpace> b = pake::Cpace::start(peer_role(role), {prs, ci, sid}, peer_ad);
  FUZZ_CHECK(a.ok() && b.ok());
  Result<crypto::SecureBytes> isk_a = a->finish(b->share(), peer_ad);
  Result<crypto::SecureBytes> isk_b = b->finish(a->share(), ad);
  FUZZ_CHECK(isk_a.ok() && isk_b.ok());
  FUZZ_CHECK(isk_a->equals(isk_b->span()));

  // A different password: a different key.
  Bytes other(prs.begin(), prs.end());
  other.push_back(other_prs_byte);
  use_random_stream(3);
  Result<pake::Cpace> c = pake::Cpace::start(peer_role(role), {other, ci, sid}, peer_ad);
  FUZZ_CHECK(c.ok());
  use_random_stream(1);
  Result<pake::Cpace> a2 = pake::Cpace::start(role, {prs, ci, sid}, ad);
  FUZZ_CHECK(a2.ok());
  Result<crypto::SecureBytes> isk_a2 = a2->finish(c->share(), peer_ad);
  Result<crypto::SecureBytes> isk_c = c->finish(a2->share(), ad);
  FUZZ_CHECK(isk_a2.ok() && isk_c.ok());
  FUZZ_CHECK(!isk_a2->equals(isk_c->span()));
  return 0;
}
