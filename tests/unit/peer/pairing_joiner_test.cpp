#include "peer/pairing_joiner.hpp"

#include <gtest/gtest.h>

#include "pairing_driver.hpp"
#include "peer/safety_number.hpp"

namespace pairspace::peer {
namespace {

using test::make_device;
using test::run_pairing;

const std::string joiner_code = "7-amber-lantern-sparrow";

TEST(PairingJoiner, PairsWithTheInviterAndBothLearnEachOther) {
  const auto ana = make_device("Ana's laptop", 7001);
  const auto ben = make_device("Ben's desktop", 7002);
  const auto run = run_pairing(ana, ben, joiner_code, joiner_code);
  ASSERT_FALSE(run.joiner_error) << run.joiner_error->message;
  ASSERT_FALSE(run.inviter_error) << run.inviter_error->message;
  ASSERT_TRUE(run.joiner->is_done());
  ASSERT_TRUE(run.inviter->is_done());
  ASSERT_TRUE(run.joiner->result() && run.inviter->result());

  const PairResult& at_joiner = *run.joiner->result();
  EXPECT_EQ(at_joiner.partner_name, "Ben's desktop");
  EXPECT_EQ(at_joiner.partner_sign_public, ben.keys.sign_public);
  EXPECT_EQ(at_joiner.partner_dh_public, ben.keys.dh_public);
  EXPECT_EQ(at_joiner.partner_listen_port, 7002);

  const PairResult& at_inviter = *run.inviter->result();
  EXPECT_EQ(at_inviter.partner_name, "Ana's laptop");
  EXPECT_EQ(at_inviter.partner_sign_public, ana.keys.sign_public);
  EXPECT_EQ(at_inviter.partner_dh_public, ana.keys.dh_public);
  EXPECT_EQ(at_inviter.partner_listen_port, 7001);

  EXPECT_EQ(at_joiner.safety_number, at_inviter.safety_number);
  EXPECT_EQ(at_joiner.safety_number, *safety_number(ana.keys.sign_public, ben.keys.sign_public));
}

TEST(PairingJoiner, MessagesHaveTheDocumentedSizes) {
  const auto run = run_pairing(make_device("a", 1), make_device("b", 2), joiner_code, joiner_code);
  ASSERT_EQ(run.joiner_sent.size(), 5u);  // PAIR_START, XX1, XX3, proof, done
  ASSERT_EQ(run.inviter_sent.size(), 3u); // PAIR_REPLY, XX2, proof
  EXPECT_EQ(run.joiner_sent[0].size(), 50u);
  EXPECT_EQ(run.joiner_sent[0][0], 0x01);
  EXPECT_EQ(run.inviter_sent[0].size(), 33u);
  EXPECT_EQ(run.inviter_sent[0][0], 0x02);
  EXPECT_EQ(run.joiner_sent[1].size(), 48u);   // e, enc(empty): psk mode keys after e
  EXPECT_EQ(run.inviter_sent[1].size(), 96u);  // e, enc(s), enc(empty)
  EXPECT_EQ(run.joiner_sent[2].size(), 64u);   // enc(s), enc(empty)
}

TEST(PairingJoiner, AcceptsTheCodeAsAPersonTypesIt) {
  const auto run = run_pairing(make_device("a", 1), make_device("b", 2),
                               "  7 Amber LANTERN sparrow ", joiner_code);
  ASSERT_FALSE(run.joiner_error);
  ASSERT_FALSE(run.inviter_error);
  EXPECT_TRUE(run.joiner->is_done());
}

TEST(PairingJoiner, WrongCodeFailsBothSidesAndTheInviterSaysSo) {
  const auto run = run_pairing(make_device("a", 1), make_device("b", 2),
                               "7-amber-lantern-robin", joiner_code);
  ASSERT_TRUE(run.joiner_error);
  ASSERT_TRUE(run.inviter_error);
  EXPECT_EQ(run.joiner_error->code, v1::CODE_REFUSED);
  EXPECT_EQ(run.joiner_error->message,
            "The code didn't match, so nothing was paired. Ask your partner for a fresh code "
            "with `pairspace pair invite`.");
  EXPECT_EQ(run.inviter_error->code, v1::CODE_REFUSED);
  ASSERT_FALSE(run.inviter_sent.empty());
  EXPECT_EQ(run.inviter_sent.back(), (Bytes{0x03, 0x02}));
  EXPECT_FALSE(run.joiner->result());
  EXPECT_FALSE(run.inviter->result());
}

TEST(PairingJoiner, RefusesACodeThatCannotBeRight) {
  const auto ana = make_device("a", 1);
  Result<PairingJoiner> joiner = PairingJoiner::start(ana.local(), "7-amber");
  ASSERT_FALSE(joiner.ok());
  EXPECT_EQ(joiner.error().code, v1::CODE_USAGE);
}

TEST(PairingJoiner, FirstSendsPairStartWithItsSid) {
  const auto ana = make_device("a", 1);
  PairSid sid{};
  sid.fill(0xab);
  Result<PairingJoiner> joiner = PairingJoiner::start(ana.local(), joiner_code, sid);
  ASSERT_TRUE(joiner.ok());
  std::vector<Bytes> out = joiner->take_outgoing();
  ASSERT_EQ(out.size(), 1u);
  Result<PairStart> start = parse_pair_start(out[0]);
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->sid, sid);
  EXPECT_TRUE(joiner->take_outgoing().empty());
}

TEST(PairingJoiner, ReportsEachRefusalReason) {
  const auto ana = make_device("a", 1);
  for (RefusalReason reason : {RefusalReason::no_active_invite, RefusalReason::busy,
                               RefusalReason::code_mismatch}) {
    Result<PairingJoiner> joiner = PairingJoiner::start(ana.local(), joiner_code);
    ASSERT_TRUE(joiner.ok());
    (void)joiner->take_outgoing();
    Status status = joiner->receive(encode_pair_refused(reason));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, v1::CODE_REFUSED);
    EXPECT_EQ(status.error().message, refusal_error(static_cast<std::uint8_t>(reason)).message);
    EXPECT_TRUE(joiner->has_failed());
    EXPECT_TRUE(joiner->take_outgoing().empty());
  }
}

TEST(PairingJoiner, RefusesAnUnexpectedFirstReply) {
  const auto ana = make_device("a", 1);
  Result<PairingJoiner> joiner = PairingJoiner::start(ana.local(), joiner_code);
  ASSERT_TRUE(joiner.ok());
  (void)joiner->take_outgoing();
  EXPECT_FALSE(joiner->receive(Bytes(96, 0x42)).ok());
  EXPECT_TRUE(joiner->has_failed());
  EXPECT_FALSE(joiner->receive(encode_pair_reply(CpaceShare{})).ok());
}

TEST(PairingJoiner, RefusesAnIdentityWhoseKeysDoNotMatch) {
  auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  LocalDevice mixed = ana.local();
  mixed.dh_public = ben.keys.dh_public;
  EXPECT_EQ(PairingJoiner::start(mixed, joiner_code).error().code, v1::CODE_USAGE);
  mixed = ana.local();
  mixed.sign_public = ben.keys.sign_public;
  EXPECT_EQ(PairingJoiner::start(mixed, joiner_code).error().code, v1::CODE_USAGE);
  mixed = ana.local();
  mixed.name = "";
  EXPECT_EQ(PairingJoiner::start(mixed, joiner_code).error().code, v1::CODE_USAGE);
  mixed = ana.local();
  mixed.listen_port = 0;
  EXPECT_EQ(PairingJoiner::start(mixed, joiner_code).error().code, v1::CODE_USAGE);
}

TEST(PairingJoiner, RefusesToPairWithItself) {
  const auto ana = make_device("a", 1);
  const auto run = run_pairing(ana, ana, joiner_code, joiner_code);
  EXPECT_TRUE(run.inviter_error);
  EXPECT_FALSE(run.joiner->result());
  EXPECT_FALSE(run.inviter->result());
}

TEST(PairingJoiner, KeepsItsResultWhenMoreBytesArriveAfterDone) {
  auto run = run_pairing(make_device("a", 1), make_device("b", 2), joiner_code, joiner_code);
  ASSERT_TRUE(run.joiner->is_done());
  EXPECT_FALSE(run.joiner->receive(Bytes(40, 1)).ok());
  EXPECT_TRUE(run.joiner->is_done());
  EXPECT_TRUE(run.joiner->result());
}

}  // namespace
}  // namespace pairspace::peer
