#include "peer/pairing_inviter.hpp"

#include <gtest/gtest.h>

#include "pairing_driver.hpp"

namespace pairspace::peer {
namespace {

using test::make_device;
using test::run_pairing;
using test::Tamper;

const std::string inviter_code = "42-otter-maple-cocoa";
constexpr int honest_messages = 8;  // START, REPLY, XX1, XX2, XX3, proof J, proof I, done
constexpr int inviter_proof_index = 6;
constexpr int done_index = 7;

void check_tampered_run(const test::PairingRun& run, int index) {
  SCOPED_TRACE("tampered message " + std::to_string(index));
  ASSERT_TRUE(run.joiner_error || run.inviter_error);
  const bool joiner_has = run.joiner && run.joiner->result();
  const bool inviter_has = run.inviter && run.inviter->result();
  if (index < inviter_proof_index) {
    EXPECT_FALSE(joiner_has);
    EXPECT_FALSE(inviter_has);
  } else if (index == inviter_proof_index) {
    // Documented limit: the inviter stored the joiner before sending its own proof.
    EXPECT_TRUE(run.joiner_error);
    EXPECT_FALSE(joiner_has);
    EXPECT_FALSE(run.inviter->is_done());
  } else {
    EXPECT_TRUE(run.inviter_error);
    EXPECT_TRUE(joiner_has);
    EXPECT_TRUE(inviter_has);
    EXPECT_FALSE(run.inviter->is_done());
  }
}

TEST(PairingInviter, HonestRunHasEightMessages) {
  const auto run = run_pairing(make_device("a", 1), make_device("b", 2), inviter_code, inviter_code);
  EXPECT_EQ(run.messages, honest_messages);
  EXPECT_TRUE(run.inviter->is_done());
}

TEST(PairingInviter, AFlippedByteAtAnyStepFailsThePairing) {
  const auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  for (int target = 0; target < honest_messages; ++target) {
    const Tamper flip = [target](int index, Bytes& body) {
      if (index == target) body[body.size() / 2] ^= 0x01;
    };
    check_tampered_run(run_pairing(ana, ben, inviter_code, inviter_code, flip), target);
  }
}

TEST(PairingInviter, ATruncatedOrLengthenedMessageAtAnyStepFailsThePairing) {
  const auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  for (int target = 0; target < honest_messages; ++target) {
    const Tamper cut = [target](int index, Bytes& body) {
      if (index == target) body.pop_back();
    };
    check_tampered_run(run_pairing(ana, ben, inviter_code, inviter_code, cut), target);
    const Tamper grow = [target](int index, Bytes& body) {
      if (index == target) body.push_back(0x00);
    };
    check_tampered_run(run_pairing(ana, ben, inviter_code, inviter_code, grow), target);
  }
}

TEST(PairingInviter, RepliesToPairStartWithItsShare) {
  const auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  Result<PairingJoiner> joiner = PairingJoiner::start(ana.local(), inviter_code);
  ASSERT_TRUE(joiner.ok());
  Result<PairingInviter> inviter =
      PairingInviter::accept(ben.local(), inviter_code, joiner->take_outgoing().at(0));
  ASSERT_TRUE(inviter.ok());
  std::vector<Bytes> out = inviter->take_outgoing();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(parse_pair_reply(out[0]).ok());
}

TEST(PairingInviter, MalformedPairStartIsRefusedWithNothingToSend) {
  const auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  Result<PairingJoiner> joiner = PairingJoiner::start(ana.local(), inviter_code);
  ASSERT_TRUE(joiner.ok());
  const Bytes start = joiner->take_outgoing().at(0);

  Bytes other_version = start;
  other_version[1] = 2;
  EXPECT_EQ(PairingInviter::accept(ben.local(), inviter_code, other_version).error().code,
            v1::CODE_REFUSED);
  Bytes short_start(start.begin(), start.end() - 1);
  EXPECT_FALSE(PairingInviter::accept(ben.local(), inviter_code, short_start).ok());
  Bytes zero_share = start;
  std::fill(zero_share.begin() + 18, zero_share.end(), std::uint8_t{0});  // the identity point
  EXPECT_FALSE(PairingInviter::accept(ben.local(), inviter_code, zero_share).ok());
}

TEST(PairingInviter, WrongCodeQueuesRefusalReasonTwo) {
  const auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  auto run = run_pairing(ana, ben, "42-otter-maple-mocha", inviter_code);
  ASSERT_TRUE(run.inviter_error);
  EXPECT_NE(run.inviter_error->message.find("didn't match"), std::string::npos);
  EXPECT_TRUE(run.inviter->has_failed());
  EXPECT_EQ(run.inviter_sent.back(), (Bytes{0x03, 0x02}));
  // After failing, nothing more is accepted or sent.
  EXPECT_FALSE(run.inviter->receive(Bytes(80, 3)).ok());
  EXPECT_TRUE(run.inviter->take_outgoing().empty());
}

TEST(PairingInviter, AcceptsOnlyTheInviteCodeItWasGiven) {
  const auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  Result<PairingJoiner> joiner = PairingJoiner::start(ana.local(), inviter_code);
  ASSERT_TRUE(joiner.ok());
  EXPECT_EQ(PairingInviter::accept(ben.local(), "not a code", joiner->take_outgoing().at(0))
                .error()
                .code,
            v1::CODE_USAGE);
}

}  // namespace
}  // namespace pairspace::peer
