#include "pake/cpace_primitives.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace pairspace::pake {
namespace {

constexpr std::size_t leb128_max_bytes = 10;  // enough for any 64-bit length
constexpr std::uint8_t oc_tag[] = {'o', 'c'};

std::size_t leb128_size(std::size_t length) {
  std::size_t n = 1;
  while (length >= 0x80) {
    length >>= 7;
    ++n;
  }
  return n;
}

// Writes the LEB128 encoding of length to out; returns the number of bytes written.
std::size_t write_leb128(std::uint8_t* out, std::size_t length) {
  std::size_t n = 0;
  while (length >= 0x80) {
    out[n++] = static_cast<std::uint8_t>((length & 0x7f) | 0x80);
    length >>= 7;
  }
  out[n++] = static_cast<std::uint8_t>(length);
  return n;
}

std::size_t lv_size(std::size_t length) { return leb128_size(length) + length; }

// Appends prepend_len(data) at out[pos]; the caller sized the buffer.
void write_lv(std::uint8_t* out, std::size_t& pos, ByteView data) {
  pos += write_leb128(out + pos, data.size());
  if (!data.empty()) std::memcpy(out + pos, data.data(), data.size());
  pos += data.size();
}

void hash_lv(crypto_hash_sha512_state& state, ByteView data) {
  std::uint8_t prefix[leb128_max_bytes];
  const std::size_t n = write_leb128(prefix, data.size());
  crypto_hash_sha512_update(&state, prefix, n);
  if (!data.empty()) crypto_hash_sha512_update(&state, data.data(), data.size());
}

// "bytes1 > bytes2" in lexicographic order; a longer string beats its own prefix.
bool lexicographically_larger(ByteView a, ByteView b) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (a[i] > b[i]) return true;
    if (a[i] < b[i]) return false;
  }
  return a.size() > b.size();
}

void append(Bytes& out, ByteView data) { out.insert(out.end(), data.begin(), data.end()); }

}  // namespace

ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Bytes leb128(std::size_t length) {
  Bytes out(leb128_size(length));
  write_leb128(out.data(), length);
  return out;
}

Bytes prepend_len(ByteView data) { return lv_cat({data}); }

Bytes lv_cat(std::initializer_list<ByteView> parts) {
  std::size_t total = 0;
  for (const ByteView part : parts) total += lv_size(part.size());
  Bytes out(total);
  std::size_t pos = 0;
  for (const ByteView part : parts) write_lv(out.data(), pos, part);
  return out;
}

std::size_t generator_zpad_length(ByteView dsi, ByteView prs, std::size_t s_in_bytes) {
  const std::size_t used = 1 + lv_size(prs.size()) + lv_size(dsi.size());
  return s_in_bytes > used ? s_in_bytes - used : 0;
}

crypto::SecureBytes generator_string(ByteView dsi, ByteView prs, ByteView ci, ByteView sid,
                                     std::size_t s_in_bytes) {
  const std::size_t zpad = generator_zpad_length(dsi, prs, s_in_bytes);
  const std::size_t total = lv_size(dsi.size()) + lv_size(prs.size()) + lv_size(zpad) +
                            lv_size(ci.size()) + lv_size(sid.size());
  crypto::SecureBytes out(total);  // zero-filled, so the padding is already in place
  std::size_t pos = 0;
  write_lv(out.data(), pos, dsi);
  write_lv(out.data(), pos, prs);
  pos += write_leb128(out.data() + pos, zpad);
  pos += zpad;
  write_lv(out.data(), pos, ci);
  write_lv(out.data(), pos, sid);
  return out;
}

crypto::SecureBytes calculate_generator(ByteView prs, ByteView ci, ByteView sid) {
  crypto::ensure_sodium();
  const crypto::SecureBytes gen_str =
      generator_string(as_bytes(cpace_dsi), prs, ci, sid, hash_block_bytes);
  crypto::SecureBytes digest(crypto_hash_sha512_BYTES);
  crypto_hash_sha512(digest.data(), gen_str.data(), gen_str.size());
  crypto::SecureBytes g(crypto_core_ristretto255_BYTES);
  crypto_core_ristretto255_from_hash(g.data(), digest.data());
  return g;
}

Result<crypto::SecureBytes> scalar_mult_vfy(ByteView scalar, ByteView point) {
  crypto::ensure_sodium();
  if (scalar.size() != crypto_scalarmult_ristretto255_SCALARBYTES ||
      point.size() != crypto_scalarmult_ristretto255_BYTES) {
    return make_error(v1::CODE_REFUSED,
                      "The other device's pairing message has an unexpected size. "
                      "Please start pairing again on both devices.");
  }
  crypto::SecureBytes out(crypto_scalarmult_ristretto255_BYTES);
  // libsodium rejects non-canonical encodings and an identity result with -1.
  if (crypto_scalarmult_ristretto255(out.data(), scalar.data(), point.data()) != 0) {
    return make_error(v1::CODE_REFUSED,
                      "The other device's pairing message could not be used. "
                      "Please start pairing again on both devices.");
  }
  return out;
}

Bytes transcript_ir(ByteView ya, ByteView ada, ByteView yb, ByteView adb) {
  Bytes out = lv_cat({ya, ada});
  append(out, lv_cat({yb, adb}));
  return out;
}

Bytes transcript_oc(ByteView ya, ByteView ada, ByteView yb, ByteView adb) {
  const Bytes a = lv_cat({ya, ada});
  const Bytes b = lv_cat({yb, adb});
  Bytes out(std::begin(oc_tag), std::end(oc_tag));
  if (lexicographically_larger(a, b)) {
    append(out, a);
    append(out, b);
  } else {
    append(out, b);
    append(out, a);
  }
  return out;
}

crypto::SecureBytes derive_isk(ByteView sid, ByteView k, ByteView transcript) {
  crypto::ensure_sodium();
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  hash_lv(state, as_bytes(cpace_dsi_isk));
  hash_lv(state, sid);
  hash_lv(state, k);
  if (!transcript.empty()) crypto_hash_sha512_update(&state, transcript.data(), transcript.size());
  crypto::SecureBytes isk(crypto_hash_sha512_BYTES);
  crypto_hash_sha512_final(&state, isk.data());
  sodium_memzero(&state, sizeof state);  // the state buffered bytes of K
  return isk;
}

std::array<std::uint8_t, hash_bytes> sid_output(ByteView transcript) {
  crypto::ensure_sodium();
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  const ByteView prefix = as_bytes(cpace_sid_output_prefix);
  crypto_hash_sha512_update(&state, prefix.data(), prefix.size());
  if (!transcript.empty()) crypto_hash_sha512_update(&state, transcript.data(), transcript.size());
  std::array<std::uint8_t, hash_bytes> out{};
  crypto_hash_sha512_final(&state, out.data());
  return out;
}

}  // namespace pairspace::pake
