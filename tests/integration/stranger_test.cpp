// Issue "Pairing and the encrypted channel", test 4: a paired device gives a stranger no
// byte: not before the stranger speaks, not after a well-formed SESSION_INIT from a device
// it never paired with, not after a PAIR_START, not after garbage.
#include <sodium.h>

#include <chrono>

#include "peer/session.hpp"
#include "peer/wire.hpp"
#include "tcp_probe.hpp"
#include "two_devices.hpp"

namespace pairspace::itest {
namespace {

class Stranger : public TwoDevices {};

constexpr auto quiet_wait = 1s;     // nothing arrives before the stranger speaks
constexpr auto close_bound = 15s;   // the paired device hangs up within its handshake limit

// SESSION_INIT from a third device with its own X25519 key, aimed at a key it made up for
// the paired device (it cannot know the real one).
Bytes stranger_session_init() {
  std::array<std::uint8_t, crypto_box_PUBLICKEYBYTES> own_public{}, guessed_public{}, unused{};
  std::array<std::uint8_t, crypto_box_SECRETKEYBYTES> own_secret{};
  crypto_box_keypair(own_public.data(), own_secret.data());
  crypto_box_keypair(guessed_public.data(), unused.data());
  const auto now_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  auto initiator = peer::SessionInitiator::start({own_secret, guessed_public}, now_ms);
  sodium_memzero(own_secret.data(), own_secret.size());
  if (!initiator) return {};
  return initiator->init_body();
}

Bytes stranger_pair_start() {
  peer::PairStart start;
  randombytes_buf(start.sid.data(), start.sid.size());
  // A valid CPace share: any ristretto255 point.
  std::array<std::uint8_t, crypto_core_ristretto255_HASHBYTES> seed{};
  randombytes_buf(seed.data(), seed.size());
  crypto_core_ristretto255_from_hash(start.ya.data(), seed.data());
  return peer::encode_pair_start(start);
}

void expect_silence(const std::string& what, std::uint16_t port, const Bytes& first_frame) {
  SCOPED_TRACE(what);
  TcpProbe probe(port);
  ASSERT_TRUE(probe.connected());
  auto before = probe.listen(quiet_wait);
  EXPECT_EQ(before.bytes, 0U) << "bytes before the stranger said anything";
  EXPECT_FALSE(before.closed) << "the device should wait for a first frame";
  ASSERT_TRUE(probe.send_frame(first_frame));
  auto after = probe.listen(close_bound);
  EXPECT_EQ(after.bytes, 0U) << "bytes in answer to the stranger";
  EXPECT_TRUE(after.closed) << "the device should hang up on the stranger";
}

TEST_F(Stranger, GetsNoByteFromAPairedDevice) {
  ASSERT_EQ(sodium_init() >= 0, true);
  start_both();
  pair();
  ASSERT_TRUE(wait_both_connected()) << peer_json(alex).dump() << "\n" << peer_json(sam).dump();

  const auto init = stranger_session_init();
  ASSERT_EQ(init.size(), peer::session_init_bytes);
  ASSERT_EQ(init[0], 0x10);
  expect_silence("SESSION_INIT to Alex", port_of(alex_address), init);
  expect_silence("SESSION_INIT to Sam", port_of(sam_address), stranger_session_init());
  const auto start = stranger_pair_start();
  ASSERT_EQ(start.size(), 50U);
  expect_silence("PAIR_START to Alex", port_of(alex_address), start);
  expect_silence("PAIR_START to Sam", port_of(sam_address), stranger_pair_start());
  expect_silence("garbage to Alex", port_of(alex_address), Bytes{0x42, 0x00, 0x01});

  // The partners' own session is untouched by all this.
  EXPECT_TRUE(connected(alex) && connected(sam));
  stop_daemon_at(alex);
  stop_daemon_at(sam);
}

}  // namespace
}  // namespace pairspace::itest
