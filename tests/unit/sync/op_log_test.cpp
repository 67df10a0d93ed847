#include "sync/op_log.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "test_support.hpp"

namespace pairspace::sync {
namespace {

using namespace testing;

// An op signed with a device's real key but built by hand (to forge gaps and conflicts).
std::string hand_signed(const store::Store& author_store, v1::Op body, std::uint64_t seq,
                        std::uint64_t lamport) {
  auto id = author_store.identity();
  EXPECT_TRUE(id.ok());
  body.set_author(to_bytes(id->sign_public));
  body.set_seq(seq);
  body.set_lamport(lamport);
  body.set_wall_time_ms(1'780'000'000'000);
  auto op = sign_op(body, id->sign_secret);
  EXPECT_TRUE(op.ok());
  return op->signed_op;
}

// The log as the store holds it, for "nothing was applied" checks.
std::size_t stored_ops(const store::Store& s) {
  auto ops = s.load_ops();
  EXPECT_TRUE(ops.ok());
  return ops->size();
}

TEST(OpLog, LocalOpsHaveGaplessSeqsAndLamportsAboveEverythingSeen) {
  auto d = paired_devices();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(d.a->create_local_op(check_in_op(3), test_now).ok());
  EXPECT_EQ(d.a->head(OpAuthor::self), 3u);
  EXPECT_EQ(d.a->max_lamport(), 3u);
  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    EXPECT_EQ(d.a->find(OpAuthor::self, seq)->op.seq(), seq);
    EXPECT_EQ(d.a->find(OpAuthor::self, seq)->op.lamport(), seq);
  }
  auto outcome = d.b->apply_remote_batch(all_ops(*d.a));
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->applied, 3u);
  EXPECT_EQ(outcome->seen.partner, 3u);
  EXPECT_EQ(d.b->head(OpAuthor::partner), 3u);
  auto mine = d.b->create_local_op(status_op(v1::SPACE_STATE_NEED_SPACE), test_now);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->op.seq(), 1u);
  EXPECT_EQ(mine->op.lamport(), 4u);
  EXPECT_EQ(mine->op.wall_time_ms(), 1'780'000'000'000);
  EXPECT_EQ(stored_ops(*d.b_store), 4u);
}

TEST(OpLog, ReopenedLogHasTheSameOpsAndDigest) {
  auto d = paired_devices();
  ASSERT_TRUE(d.b->create_local_op(propose_op(), test_now).ok());
  ASSERT_TRUE(d.a->apply_remote_batch(all_ops(*d.b)).ok());
  ASSERT_TRUE(d.a->create_local_op(status_op(v1::SPACE_STATE_BACK), test_now).ok());
  const auto digest = d.a->digest();
  auto reopened = OpLog::open(*d.a_store);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ((*reopened)->digest(), digest);
  EXPECT_EQ((*reopened)->head(OpAuthor::self), 1u);
  EXPECT_EQ((*reopened)->head(OpAuthor::partner), 1u);
  EXPECT_EQ((*reopened)->max_lamport(), 2u);
}

TEST(OpLog, DuplicatesAreIgnored) {
  auto d = paired_devices();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(d.a->create_local_op(check_in_op(2), test_now).ok());
  auto ops = all_ops(*d.a);
  ASSERT_TRUE(d.b->apply_remote_batch(std::span(ops).first(2)).ok());
  const auto digest = d.b->digest();
  auto again = d.b->apply_remote_batch(std::span(ops).first(2));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->applied, 0u);
  EXPECT_EQ(again->duplicates, 2u);
  EXPECT_EQ(d.b->digest(), digest);
  // Old and new, and a repeat inside one batch.
  std::vector<std::string> mixed{ops[0], ops[1], ops[2], ops[2], ops[3], ops[0]};
  auto rest = d.b->apply_remote_batch(mixed);
  ASSERT_TRUE(rest.ok()) << rest.error().message;
  EXPECT_EQ(rest->applied, 2u);
  EXPECT_EQ(rest->duplicates, 4u);
  EXPECT_EQ(d.b->digest(), d.a->digest());
  EXPECT_EQ(stored_ops(*d.b_store), 4u);
}

TEST(OpLog, GapRefusesTheWholeBatch) {
  auto d = paired_devices();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(d.a->create_local_op(check_in_op(1), test_now).ok());
  auto ops = all_ops(*d.a);
  ASSERT_TRUE(d.b->apply_remote_batch(std::span(ops).first(1)).ok());
  const auto digest = d.b->digest();
  for (const auto& batch : {std::vector<std::string>{ops[1], ops[3]},            // 3 missing
                            std::vector<std::string>{ops[1], ops[2], ops[4]},    // gap at the end
                            std::vector<std::string>{ops[2], ops[3], ops[4]}}) { // gap at the start
    auto outcome = d.b->apply_remote_batch(batch);
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.error().code, v1::CODE_REFUSED);
    EXPECT_EQ(d.b->head(OpAuthor::partner), 1u);
    EXPECT_EQ(d.b->digest(), digest);
    EXPECT_EQ(stored_ops(*d.b_store), 1u);
  }
  ASSERT_TRUE(d.b->apply_remote_batch(std::span(ops).subspan(1)).ok());
  EXPECT_EQ(d.b->digest(), d.a->digest());
}

TEST(OpLog, TamperedOpRefusesTheWholeBatch) {
  auto d = paired_devices();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(d.a->create_local_op(check_in_op(4, "fine"), test_now).ok());
  auto ops = all_ops(*d.a);
  const auto digest = d.b->digest();
  auto tampered = ops;
  v1::SignedOp envelope;
  ASSERT_TRUE(envelope.ParseFromString(tampered[2]));
  auto op_bytes = envelope.op();
  const auto at = op_bytes.find("fine");
  ASSERT_NE(at, std::string::npos);
  op_bytes[at] = 'F';  // still valid UTF-8 and a well-formed Op: only the signature can tell
  envelope.set_op(op_bytes);
  tampered[2] = envelope.SerializeAsString();
  auto outcome = d.b->apply_remote_batch(tampered);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, v1::CODE_REFUSED);
  EXPECT_EQ(d.b->size(), 0u);
  EXPECT_EQ(d.b->digest(), digest);
  EXPECT_EQ(stored_ops(*d.b_store), 0u);
  ASSERT_TRUE(d.b->apply_remote_batch(ops).ok());
  EXPECT_EQ(d.b->digest(), d.a->digest());
}

TEST(OpLog, ADifferentOpUnderAHeldSeqIsRefused) {
  auto d = paired_devices();
  ASSERT_TRUE(d.a->create_local_op(check_in_op(2), test_now).ok());
  ASSERT_TRUE(d.b->apply_remote_batch(all_ops(*d.a)).ok());
  const auto digest = d.b->digest();
  const auto other = hand_signed(*d.a_store, check_in_op(5), 1, 1);
  const auto next = hand_signed(*d.a_store, check_in_op(5), 2, 2);
  auto outcome = d.b->apply_remote_batch(std::vector<std::string>{next, other});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, v1::CODE_REFUSED);
  EXPECT_EQ(d.b->digest(), digest);
  EXPECT_EQ(stored_ops(*d.b_store), 1u);

  // Inside one batch, too.
  auto fresh = paired_devices();
  const auto one = hand_signed(*fresh.a_store, check_in_op(1), 1, 1);
  const auto one_again = hand_signed(*fresh.a_store, check_in_op(2), 1, 1);
  EXPECT_FALSE(fresh.b->apply_remote_batch(std::vector<std::string>{one, one_again}).ok());
  EXPECT_EQ(stored_ops(*fresh.b_store), 0u);
}

TEST(OpLog, LamportMustRiseWithEachAuthorsSeq) {
  auto d = paired_devices();
  const auto first = hand_signed(*d.a_store, check_in_op(1), 1, 5);
  const auto second = hand_signed(*d.a_store, check_in_op(1), 2, 5);
  auto outcome = d.b->apply_remote_batch(std::vector<std::string>{first, second});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, v1::CODE_REFUSED);
  EXPECT_EQ(d.b->size(), 0u);
}

TEST(OpLog, RefusesOpsFromOutsideThePairing) {
  auto d = paired_devices();
  auto stranger = memory_store("stranger");
  const auto op = hand_signed(*stranger, check_in_op(1), 1, 1);
  auto outcome = d.b->apply_remote_batch(std::vector<std::string>{op});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, v1::CODE_REFUSED);
}

TEST(OpLog, BadLocalOpIsRefusedAndNothingIsStored) {
  auto d = paired_devices();
  auto bad = d.a->create_local_op(check_in_op(9), test_now);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, v1::CODE_USAGE);
  EXPECT_FALSE(d.a->create_local_op(v1::Op(), test_now).ok());
  EXPECT_EQ(d.a->size(), 0u);
  EXPECT_EQ(stored_ops(*d.a_store), 0u);
}

TEST(OpLog, ConcurrentAcceptAndRevokeResolveTheSameOnBothDevices) {
  // Accept and revoke get the same lamport, so the author keys' byte order decides which
  // one the fold sees first; with each device proposing once, both orders occur.
  auto d = paired_devices();
  int accepted_first = 0;
  for (int proposer_is_a = 0; proposer_is_a < 2; ++proposer_is_a) {
    OpLog& proposer = proposer_is_a != 0 ? *d.a : *d.b;
    OpLog& partner = proposer_is_a != 0 ? *d.b : *d.a;
    auto p = proposer.create_local_op(propose_op(), test_now);
    ASSERT_TRUE(p.ok());
    ASSERT_TRUE(partner.apply_remote_batch(all_ops(proposer)).ok());
    const auto hash = to_bytes(p->hash);
    auto accept = partner.create_local_op(respond_op(hash, true), test_now);
    auto revoke = proposer.create_local_op(revoke_op(hash), test_now);
    ASSERT_TRUE(accept.ok() && revoke.ok());
    ASSERT_EQ(accept->op.lamport(), revoke->op.lamport());
    ASSERT_TRUE(d.a->apply_remote_batch(all_ops(*d.b)).ok());
    ASSERT_TRUE(d.b->apply_remote_batch(all_ops(*d.a)).ok());
    EXPECT_EQ(d.a->digest(), d.b->digest());
    for (const auto& agreement : d.a->state().agreements()) {
      if (agreement.content_hash() != hash) continue;
      EXPECT_EQ(agreement.state(), v1::AGREEMENT_STATE_REVOKED);
      // Accepted (then revoked) exactly when the acceptor's key sorts first.
      const bool accept_first = accept->op.author() < revoke->op.author();
      EXPECT_EQ(agreement.accepted_at_ms() != 0, accept_first);
      accepted_first += accept_first ? 1 : 0;
    }
  }
  EXPECT_EQ(accepted_first, 1);
}

TEST(OpLog, ForgetPartnerClearsTheLog) {
  auto d = paired_devices();
  ASSERT_TRUE(d.a->create_local_op(status_op(v1::SPACE_STATE_NEED_SPACE), test_now).ok());
  ASSERT_TRUE(d.b->create_local_op(check_in_op(3), test_now).ok());
  ASSERT_TRUE(d.a->apply_remote_batch(all_ops(*d.b)).ok());
  ASSERT_EQ(stored_ops(*d.a_store), 2u);
  ASSERT_TRUE(d.a_store->forget_partner().ok());
  EXPECT_EQ(stored_ops(*d.a_store), 0u);
  auto heads = d.a_store->op_heads();
  ASSERT_TRUE(heads.ok());
  EXPECT_EQ(heads->self, 0u);
  EXPECT_EQ(heads->partner, 0u);
  // No shared log without a partner; a log still open cannot write any more.
  EXPECT_EQ(OpLog::open(*d.a_store).error().code, v1::CODE_NOT_READY);
  EXPECT_EQ(d.a->create_local_op(check_in_op(1), test_now).error().code, v1::CODE_NOT_READY);
  // Pairing again starts from an empty log.
  auto b_id = d.b_store->identity();
  ASSERT_TRUE(d.a_store->set_partner(partner_from(*b_id)).ok());
  auto fresh = OpLog::open(*d.a_store);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->size(), 0u);
}

}  // namespace
}  // namespace pairspace::sync
