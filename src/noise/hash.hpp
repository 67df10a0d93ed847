#pragma once
// The three Noise hash functions on libsodium, plus HMAC and HKDF built from them exactly
// as Noise section 4.3 describes (keyed BLAKE2b is not HMAC, so we never use it here).
#include <sodium.h>

#include <array>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <variant>

#include "crypto/secure.hpp"
#include "noise/types.hpp"

namespace pairspace::noise {

enum class HashKind { blake2b, sha256, sha512 };

std::size_t hash_len(HashKind kind);        // HASHLEN: 64, 32, 64
std::size_t block_len(HashKind kind);       // BLOCKLEN: 128, 64, 128
std::string_view hash_name(HashKind kind);  // "BLAKE2b", "SHA256", "SHA512"
std::optional<HashKind> hash_from_name(std::string_view name);

// Incremental hash; the internal state is wiped on destruction.
class Hasher {
 public:
  explicit Hasher(HashKind kind);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(ByteView data);
  // Writes hash_len(kind) bytes; out must be at least that long.
  void finish(std::span<std::uint8_t> out);

 private:
  HashKind m_kind;
  std::variant<crypto_generichash_state, crypto_hash_sha256_state, crypto_hash_sha512_state>
      m_state;
};

// HMAC-HASH(key, data...) into out (hash_len bytes). Key longer than BLOCKLEN is hashed first.
void hmac(HashKind kind, ByteView key, std::initializer_list<ByteView> data,
          std::span<std::uint8_t> out);

// HKDF(chaining_key, input_key_material, num_outputs) of section 4.3; each output is
// hash_len bytes in secure memory. num_outputs is 2 or 3 (third is empty when 2).
struct HkdfOutputs {
  crypto::SecureBytes first;
  crypto::SecureBytes second;
  crypto::SecureBytes third;
};
HkdfOutputs hkdf(HashKind kind, ByteView chaining_key, ByteView input_key_material,
                 int num_outputs);

}  // namespace pairspace::noise
