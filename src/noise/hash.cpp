#include "noise/hash.hpp"

#include <algorithm>
#include <cassert>

namespace pairspace::noise {

constexpr std::uint8_t hmac_inner_pad = 0x36;
constexpr std::uint8_t hmac_outer_pad = 0x5c;

std::size_t hash_len(HashKind kind) {
  switch (kind) {
    case HashKind::blake2b:
      return crypto_generichash_BYTES_MAX;  // 64
    case HashKind::sha256:
      return crypto_hash_sha256_BYTES;  // 32
    case HashKind::sha512:
      return crypto_hash_sha512_BYTES;  // 64
  }
  return 0;
}

std::size_t block_len(HashKind kind) {
  switch (kind) {
    case HashKind::blake2b:
      return 128;
    case HashKind::sha256:
      return 64;
    case HashKind::sha512:
      return 128;
  }
  return 0;
}

std::string_view hash_name(HashKind kind) {
  switch (kind) {
    case HashKind::blake2b:
      return "BLAKE2b";
    case HashKind::sha256:
      return "SHA256";
    case HashKind::sha512:
      return "SHA512";
  }
  return "";
}

std::optional<HashKind> hash_from_name(std::string_view name) {
  for (HashKind kind : {HashKind::blake2b, HashKind::sha256, HashKind::sha512}) {
    if (hash_name(kind) == name) return kind;
  }
  return std::nullopt;
}

Hasher::Hasher(HashKind kind) : m_kind(kind) {
  crypto::ensure_sodium();
  switch (kind) {
    case HashKind::blake2b:
      m_state.emplace<crypto_generichash_state>();
      crypto_generichash_init(&std::get<crypto_generichash_state>(m_state), nullptr, 0,
                              crypto_generichash_BYTES_MAX);
      break;
    case HashKind::sha256:
      m_state.emplace<crypto_hash_sha256_state>();
      crypto_hash_sha256_init(&std::get<crypto_hash_sha256_state>(m_state));
      break;
    case HashKind::sha512:
      m_state.emplace<crypto_hash_sha512_state>();
      crypto_hash_sha512_init(&std::get<crypto_hash_sha512_state>(m_state));
      break;
  }
}

Hasher::~Hasher() {
  std::visit([](auto& state) { sodium_memzero(&state, sizeof state); }, m_state);
}

void Hasher::update(ByteView data) {
  if (data.empty()) return;
  switch (m_kind) {
    case HashKind::blake2b:
      crypto_generichash_update(&std::get<crypto_generichash_state>(m_state), data.data(),
                                data.size());
      break;
    case HashKind::sha256:
      crypto_hash_sha256_update(&std::get<crypto_hash_sha256_state>(m_state), data.data(),
                                data.size());
      break;
    case HashKind::sha512:
      crypto_hash_sha512_update(&std::get<crypto_hash_sha512_state>(m_state), data.data(),
                                data.size());
      break;
  }
}

void Hasher::finish(std::span<std::uint8_t> out) {
  assert(out.size() >= hash_len(m_kind));
  switch (m_kind) {
    case HashKind::blake2b:
      crypto_generichash_final(&std::get<crypto_generichash_state>(m_state), out.data(),
                               crypto_generichash_BYTES_MAX);
      break;
    case HashKind::sha256:
      crypto_hash_sha256_final(&std::get<crypto_hash_sha256_state>(m_state), out.data());
      break;
    case HashKind::sha512:
      crypto_hash_sha512_final(&std::get<crypto_hash_sha512_state>(m_state), out.data());
      break;
  }
}

void hmac(HashKind kind, ByteView key, std::initializer_list<ByteView> data,
          std::span<std::uint8_t> out) {
  const std::size_t hlen = hash_len(kind);
  const std::size_t blen = block_len(kind);
  assert(out.size() >= hlen);

  // Key block: the key (or its hash when longer than a block), zero-padded to BLOCKLEN.
  std::array<std::uint8_t, max_block_bytes> block{};
  if (key.size() > blen) {
    Hasher key_hasher(kind);
    key_hasher.update(key);
    key_hasher.finish(block);
  } else if (!key.empty()) {
    std::copy(key.begin(), key.end(), block.begin());
  }

  std::array<std::uint8_t, max_block_bytes> pad{};
  std::array<std::uint8_t, max_hash_bytes> inner{};
  for (std::size_t i = 0; i < blen; ++i)
    pad[i] = static_cast<std::uint8_t>(block[i] ^ hmac_inner_pad);
  {
    Hasher inner_hasher(kind);
    inner_hasher.update(ByteView(pad.data(), blen));
    for (ByteView part : data) inner_hasher.update(part);
    inner_hasher.finish(inner);
  }
  for (std::size_t i = 0; i < blen; ++i)
    pad[i] = static_cast<std::uint8_t>(block[i] ^ hmac_outer_pad);
  {
    Hasher outer_hasher(kind);
    outer_hasher.update(ByteView(pad.data(), blen));
    outer_hasher.update(ByteView(inner.data(), hlen));
    outer_hasher.finish(out);
  }
  sodium_memzero(block.data(), block.size());
  sodium_memzero(pad.data(), pad.size());
  sodium_memzero(inner.data(), inner.size());
}

HkdfOutputs hkdf(HashKind kind, ByteView chaining_key, ByteView input_key_material,
                 int num_outputs) {
  assert(num_outputs == 2 || num_outputs == 3);
  const std::size_t hlen = hash_len(kind);
  const std::uint8_t one = 0x01;
  const std::uint8_t two = 0x02;
  const std::uint8_t three = 0x03;

  crypto::SecureBytes temp_key(hlen);
  hmac(kind, chaining_key, {input_key_material}, temp_key.span());

  HkdfOutputs outputs{crypto::SecureBytes(hlen), crypto::SecureBytes(hlen), {}};
  hmac(kind, temp_key.span(), {ByteView(&one, 1)}, outputs.first.span());
  hmac(kind, temp_key.span(), {outputs.first.span(), ByteView(&two, 1)}, outputs.second.span());
  if (num_outputs == 3) {
    outputs.third = crypto::SecureBytes(hlen);
    hmac(kind, temp_key.span(), {outputs.second.span(), ByteView(&three, 1)}, outputs.third.span());
  }
  return outputs;
}

}  // namespace pairspace::noise
