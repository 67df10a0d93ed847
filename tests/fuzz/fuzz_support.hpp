#pragma once
// Shared by the libFuzzer targets and the seed writer: reading structured input out of the
// fuzzer's bytes, invariant checks that stop the run, deterministic randomness, and fixed
// test devices. Header-only: every target is one translation unit plus this.
#include <google/protobuf/stubs/logging.h>
#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secure.hpp"

namespace pairspace::fuzz {

// Zones for the time and schedule targets: whole, half, quarter and odd offsets, DST in
// either hemisphere, a half-hour DST (Lord Howe), the date line (Apia), and Casablanca's
// Ramadan switches.
inline constexpr const char* zone_names[] = {
    "UTC",          "Europe/Berlin",     "America/New_York", "Pacific/Apia",     "Australia/Lord_Howe",
    "Pacific/Chatham", "Asia/Kathmandu", "America/St_Johns", "Africa/Casablanca", "America/Sao_Paulo"};
inline constexpr std::size_t zone_count = sizeof(zone_names) / sizeof(zone_names[0]);

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// An invariant of the code under test: a failure is a finding (libFuzzer saves the input).
#define FUZZ_CHECK(cond)                                                            \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, \
                   #cond);                                                          \
      std::abort();                                                                 \
    }                                                                               \
  } while (false)

// Largest chunk a chunked input carries (two length bytes).
inline constexpr std::size_t max_chunk_bytes = 0xffff;

// Reads the fuzzer's bytes front to back; past the end every read gives zeros / empties,
// so any input is a valid script.
class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) : m_data(data, size) {}

  bool empty() const { return m_pos >= m_data.size(); }
  std::size_t remaining() const { return m_data.size() - m_pos; }

  std::uint8_t u8() { return empty() ? 0 : m_data[m_pos++]; }
  bool boolean() { return (u8() & 1) != 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>((u8() << 8) | u8()); }
  std::uint32_t u32() { return (std::uint32_t{u16()} << 16) | u16(); }
  std::uint64_t u64() { return (std::uint64_t{u32()} << 32) | u32(); }

  // Up to n bytes (fewer at the end).
  ByteView take(std::size_t n) {
    const std::size_t k = n < remaining() ? n : remaining();
    ByteView out = m_data.subspan(m_pos, k);
    m_pos += k;
    return out;
  }
  // u16 big-endian length, then that many bytes (truncated at the end).
  ByteView chunk() { return take(u16()); }
  std::string chunk_string() {
    const ByteView b = chunk();
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }
  ByteView rest() { return take(remaining()); }
  std::string rest_string() {
    const ByteView b = rest();
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }

 private:
  ByteView m_data;
  std::size_t m_pos = 0;
};

// Builds inputs in the format FuzzInput reads (seed writer).
class InputWriter {
 public:
  InputWriter& u8(std::uint8_t v) {
    m_out.push_back(v);
    return *this;
  }
  InputWriter& u16(std::uint16_t v) { return u8(static_cast<std::uint8_t>(v >> 8)).u8(static_cast<std::uint8_t>(v)); }
  InputWriter& u32(std::uint32_t v) { return u16(static_cast<std::uint16_t>(v >> 16)).u16(static_cast<std::uint16_t>(v)); }
  InputWriter& u64(std::uint64_t v) { return u32(static_cast<std::uint32_t>(v >> 32)).u32(static_cast<std::uint32_t>(v)); }
  InputWriter& raw(ByteView b) {
    m_out.insert(m_out.end(), b.begin(), b.end());
    return *this;
  }
  InputWriter& raw(std::string_view s) {
    return raw(ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }
  InputWriter& chunk(ByteView b) {
    if (b.size() > max_chunk_bytes) std::abort();
    return u16(static_cast<std::uint16_t>(b.size())).raw(b);
  }
  InputWriter& chunk(std::string_view s) {
    return chunk(ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }
  const Bytes& bytes() const { return m_out; }

 private:
  Bytes m_out;
};

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string as_string(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// ---- deterministic randomness
// libsodium's randombytes replaced by a ChaCha20 stream from a fixed seed that every input
// starts over from (reset_random()): ephemeral keys, nonces and CPace scalars are the same
// on every run, so a recorded transcript replays and a crash reproduces.
namespace detail {
struct RandomState {
  std::array<std::uint8_t, randombytes_SEEDBYTES> seed{};
  std::uint64_t counter = 0;
};
inline constexpr std::size_t random_streams = 4;
struct RandomStreams {
  std::array<RandomState, random_streams> streams;
  std::size_t current = 0;
};
inline RandomStreams& random_streams_state() {
  static RandomStreams state;
  return state;
}
inline void random_buf(void* out, std::size_t size) {
  RandomStreams& all = random_streams_state();
  RandomState& st = all.streams[all.current];
  std::array<std::uint8_t, randombytes_SEEDBYTES> seed = st.seed;
  const std::uint64_t n = st.counter++;
  for (std::size_t i = 0; i < 8; ++i) seed[i] ^= static_cast<std::uint8_t>(n >> (8 * i));
  randombytes_buf_deterministic(out, size, seed.data());
}
inline std::uint32_t random_u32() {
  std::uint32_t v = 0;
  random_buf(&v, sizeof v);
  return v;
}
inline const char* random_name() { return "pairspace-fuzz-deterministic"; }
}  // namespace detail

// Once, before anything touches libsodium (LLVMFuzzerInitialize / main).
inline void install_deterministic_random() {
  static randombytes_implementation impl = {
      &detail::random_name, &detail::random_u32, nullptr, nullptr, &detail::random_buf, nullptr};
  if (randombytes_set_implementation(&impl) != 0) std::abort();
  crypto::ensure_sodium();
}

// Once per target (LLVMFuzzerInitialize / main): deterministic randomness, and no protobuf
// log lines for the malformed messages the fuzzer makes on purpose.
inline void fuzz_init() {
  google::protobuf::SetLogHandler(nullptr);
  install_deterministic_random();
}

// At the start of every input: every stream starts over, stream 0 is current.
inline void reset_random(std::uint8_t salt = 0) {
  detail::RandomStreams& all = detail::random_streams_state();
  for (std::size_t i = 0; i < all.streams.size(); ++i) {
    all.streams[i].seed.fill(0x5a);
    all.streams[i].seed[30] = static_cast<std::uint8_t>(i);
    all.streams[i].seed[31] = salt;
    all.streams[i].counter = 0;
  }
  all.current = 0;
}

// Draws come from stream `id` until the next call: give each simulated device its own
// stream, and its draws do not depend on what the other device drew in between (a
// transcript recorded with both sides replays against one side alone).
inline void use_random_stream(std::size_t id) {
  detail::random_streams_state().current = id % detail::random_streams;
}

// ---- fixed devices
// Keys derived from a one-byte seed, so both sides of a recorded transcript are the same
// devices on every run.
struct TestKeys {
  std::array<std::uint8_t, 32> sign_public{};
  std::array<std::uint8_t, 64> sign_secret{};
  std::array<std::uint8_t, 32> dh_public{};
  std::array<std::uint8_t, 32> dh_secret{};
};

inline TestKeys test_keys(std::uint8_t which) {
  crypto::ensure_sodium();
  TestKeys k;
  std::array<std::uint8_t, 32> seed{};
  seed.fill(which);
  crypto_sign_seed_keypair(k.sign_public.data(), k.sign_secret.data(), seed.data());
  seed[0] ^= 0xff;  // a different seed for the DH key
  crypto_generichash(k.dh_secret.data(), k.dh_secret.size(), seed.data(), seed.size(), nullptr, 0);
  crypto_scalarmult_base(k.dh_public.data(), k.dh_secret.data());
  return k;
}

}  // namespace pairspace::fuzz
