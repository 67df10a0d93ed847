// Pairing (CPace, then Noise XXpsk3, then signed PairProof frames) under attack.
//
// Input: mode(1) || ...
//   mode % 3 == 0  man in the middle: the honest joiner (Alex) and inviter (Sam) pair, and
//                  every message in flight passes through a fuzz-chosen edit;
//                  twist(1): 1 = the joiner typed a different (valid) code.
//   mode % 3 == 1  the inviter alone: chunks are the joiner's messages (PAIR_START first).
//   mode % 3 == 2  the joiner alone: chunks are the inviter's messages.
// Randomness is deterministic (fuzz_support.hpp), so a recorded honest transcript replays
// in modes 1 and 2 and the fuzzer mutates it from there.
// Invariants:
//  - a result names the real other device (keys, name, port) and both sides' safety numbers
//    agree: nobody in the middle, and no replayed or edited message, gets a device paired
//    with anyone else;
//  - different codes never pair; the untouched run with the same code always pairs;
//  - a failed machine stays failed and queues nothing more.
#include <optional>

#include "fuzz_support.hpp"
#include "peer/pairing_inviter.hpp"
#include "peer/pairing_joiner.hpp"

namespace pairspace::fuzz {
namespace {

constexpr std::string_view inviter_code = "7-amber-lantern-sparrow";
constexpr std::string_view other_code = "8-amber-lantern-sparrow";
constexpr std::size_t max_rounds = 8;
// Each device draws from its own deterministic stream (see use_random_stream).
constexpr std::size_t joiner_stream = 1;
constexpr std::size_t inviter_stream = 2;

struct Device {
  std::string name;
  std::uint16_t port;
  TestKeys keys;
  peer::LocalDevice local() const {
    return {name, keys.sign_public, keys.sign_secret, keys.dh_public, keys.dh_secret, port};
  }
};

Device alex() { return {"Alex", 4001, test_keys(1)}; }
Device sam() { return {"Sam", 4002, test_keys(2)}; }

Bytes edit(FuzzInput& in, const Bytes& sent) {
  Bytes out = sent;
  switch (in.u8() % 4) {
    case 0:
      break;
    case 1: {
      const ByteView replacement = in.chunk();
      out.assign(replacement.begin(), replacement.end());
      break;
    }
    case 2:
      if (!out.empty()) {
        const std::uint8_t mask = in.u8();
        out[in.u16() % out.size()] ^= mask == 0 ? 0x80 : mask;
      }
      break;
    case 3:
      out.resize(in.u16() % (out.size() + 65), in.u8());
      break;
  }
  return out;
}

// A result must name exactly `other`, and the safety number must be the pair's.
void check_result(const peer::PairResult& result, const Device& self, const Device& other) {
  FUZZ_CHECK(result.partner_name == other.name);
  FUZZ_CHECK(result.partner_sign_public == other.keys.sign_public);
  FUZZ_CHECK(result.partner_dh_public == other.keys.dh_public);
  FUZZ_CHECK(result.partner_listen_port == other.port);
  FUZZ_CHECK(result.partner_sign_public != self.keys.sign_public);
  FUZZ_CHECK(!result.safety_number.empty());
}

template <class Machine>
void check_failed_stays_failed(Machine& machine) {
  if (!machine.has_failed()) return;
  FUZZ_CHECK(!machine.receive(Bytes{1, 2, 3}).ok());
  FUZZ_CHECK(machine.take_outgoing().empty());
  FUZZ_CHECK(machine.has_failed());
}

void man_in_the_middle(FuzzInput& in) {
  const Device joiner_device = alex();
  const Device inviter_device = sam();
  const bool wrong_code = in.u8() % 4 == 1;

  use_random_stream(joiner_stream);
  Result<peer::PairingJoiner> joiner =
      peer::PairingJoiner::start(joiner_device.local(), wrong_code ? other_code : inviter_code);
  FUZZ_CHECK(joiner.ok());
  std::vector<Bytes> to_inviter = joiner->take_outgoing();
  FUZZ_CHECK(to_inviter.size() == 1);
  bool untouched = true;

  Bytes start = edit(in, to_inviter[0]);
  untouched = untouched && start == to_inviter[0];
  use_random_stream(inviter_stream);
  Result<peer::PairingInviter> inviter =
      peer::PairingInviter::accept(inviter_device.local(), inviter_code, start);
  if (!inviter) {
    FUZZ_CHECK(!untouched);
    return;
  }
  std::vector<Bytes> to_joiner = inviter->take_outgoing();
  for (std::size_t round = 0; round < max_rounds && !to_joiner.empty(); ++round) {
    to_inviter.clear();
    for (const Bytes& sent : to_joiner) {
      const Bytes got = edit(in, sent);
      untouched = untouched && got == sent;
      use_random_stream(joiner_stream);
      (void)joiner->receive(got);
      for (Bytes& out : joiner->take_outgoing()) to_inviter.push_back(std::move(out));
    }
    to_joiner.clear();
    for (const Bytes& sent : to_inviter) {
      const Bytes got = edit(in, sent);
      untouched = untouched && got == sent;
      use_random_stream(inviter_stream);
      (void)inviter->receive(got);
      for (Bytes& out : inviter->take_outgoing()) to_joiner.push_back(std::move(out));
    }
  }

  if (joiner->result()) check_result(*joiner->result(), joiner_device, inviter_device);
  if (inviter->result()) check_result(*inviter->result(), inviter_device, joiner_device);
  if (joiner->result() && inviter->result()) {
    FUZZ_CHECK(joiner->result()->safety_number == inviter->result()->safety_number);
  }
  if (wrong_code) FUZZ_CHECK(!joiner->result() && !inviter->result());
  if (untouched && !wrong_code) {
    FUZZ_CHECK(joiner->is_done() && inviter->is_done());
    FUZZ_CHECK(joiner->result() && inviter->result());
  }
  if (joiner->is_done()) FUZZ_CHECK(joiner->result().has_value());
  check_failed_stays_failed(*joiner);
  check_failed_stays_failed(*inviter);
}

void inviter_alone(FuzzInput& in) {
  const Device joiner_device = alex();
  const Device inviter_device = sam();
  const ByteView start = in.chunk();
  use_random_stream(inviter_stream);
  Result<peer::PairingInviter> inviter =
      peer::PairingInviter::accept(inviter_device.local(), inviter_code, start);
  if (!inviter) {
    FUZZ_CHECK(inviter.error().code == v1::CODE_REFUSED);
    return;
  }
  FUZZ_CHECK(inviter->take_outgoing().size() == 1);  // PAIR_REPLY
  while (!in.empty() && !inviter->has_failed() && !inviter->is_done()) {
    use_random_stream(inviter_stream);
    const Status st = inviter->receive(in.chunk());
    const std::vector<Bytes> out = inviter->take_outgoing();
    if (!st) {
      FUZZ_CHECK(inviter->has_failed());
      // Only a wrong code earns the joiner a clear-text answer.
      FUZZ_CHECK(out.size() <= 1);
    }
  }
  if (inviter->result()) check_result(*inviter->result(), inviter_device, joiner_device);
  check_failed_stays_failed(*inviter);
}

void joiner_alone(FuzzInput& in) {
  const Device joiner_device = alex();
  const Device inviter_device = sam();
  use_random_stream(joiner_stream);
  Result<peer::PairingJoiner> joiner =
      peer::PairingJoiner::start(joiner_device.local(), inviter_code);
  FUZZ_CHECK(joiner.ok());
  FUZZ_CHECK(joiner->take_outgoing().size() == 1);  // PAIR_START
  while (!in.empty() && !joiner->has_failed() && !joiner->is_done()) {
    use_random_stream(joiner_stream);
    const Status st = joiner->receive(in.chunk());
    const std::vector<Bytes> out = joiner->take_outgoing();
    if (!st) {
      FUZZ_CHECK(joiner->has_failed() && out.empty());
      FUZZ_CHECK(st.error().code == v1::CODE_REFUSED);
    }
  }
  if (joiner->result()) check_result(*joiner->result(), joiner_device, inviter_device);
  if (joiner->is_done()) FUZZ_CHECK(joiner->result().has_value());
  check_failed_stays_failed(*joiner);
}

}  // namespace
}  // namespace pairspace::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pairspace::fuzz::fuzz_init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pairspace::fuzz;
  reset_random();
  FuzzInput in(data, size);
  switch (in.u8() % 3) {
    case 0:
      man_in_the_middle(in);
      break;
    case 1:
      inviter_alone(in);
      break;
    default:
      joiner_alone(in);
      break;
  }
  return 0;
}
