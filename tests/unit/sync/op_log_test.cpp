#include "sync/op_log.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <functional>

#include "test_support.hpp"

namespace pairspace::sync {
namespace {

using namespace testing;

// An op signed with a device's real key but built by hand (to forge gaps, conflicts and
// broken links). prev: the content hash of the op it follows (empty for seq 1).
std::string hand_signed(const store::Store& author_store, v1::Op body, std::uint64_t seq,
                        std::uint64_t lamport, const std::string& prev = {}) {
  auto id = author_store.identity();
  EXPECT_TRUE(id.ok());
  body.set_author(to_bytes(id->sign_public));
  body.set_seq(seq);
  body.set_lamport(lamport);
  body.set_wall_time_ms(1'780'000'000'000);
  body.set_prev_hash(prev);
  auto op = sign_op(body, id->sign_secret);
  EXPECT_TRUE(op.ok()) << op.error().message;
  return op.ok() ? op->signed_op : std::string();
}

// The content hash of a SignedOp's Op, as bytes (what the next op's prev_hash holds).
std::string hash_of(const std::string& signed_op) {
  v1::SignedOp envelope;
  EXPECT_TRUE(envelope.ParseFromString(signed_op));
  return to_bytes(content_hash(envelope.op()));
}

// A SignedOp with its Op rewritten by `change`, keeping the old signature.
std::string rewritten(const std::string& signed_op, const std::function<void(v1::Op&)>& change) {
  v1::SignedOp envelope;
  EXPECT_TRUE(envelope.ParseFromString(signed_op));
  v1::Op op;
  EXPECT_TRUE(op.ParseFromString(envelope.op()));
  change(op);
  envelope.set_op(op.SerializeAsString());
  return envelope.SerializeAsString();
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
  const auto next = hand_signed(*d.a_store, check_in_op(5), 2, 2, to_bytes(d.a->find(OpAuthor::self, 1)->hash));
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
  const auto second = hand_signed(*d.a_store, check_in_op(1), 2, 5, hash_of(first));
  auto outcome = d.b->apply_remote_batch(std::vector<std::string>{first, second});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, v1::CODE_REFUSED);
  EXPECT_EQ(d.b->size(), 0u);
}

// Six ops of A, hand-signed with valid signatures, each linked to the one before except
// op `broken` (0-based), whose prev_hash names something else.
std::vector<std::string> chain_with_broken_link(const store::Store& a, std::size_t broken) {
  std::vector<std::string> ops;
  for (std::uint64_t seq = 1; seq <= 6; ++seq) {
    std::string prev = ops.empty() ? std::string() : hash_of(ops.back());
    if (seq - 1 == broken) prev = seq == 1 ? std::string(32, 'x') : std::string(32, '\x01');
    ops.push_back(seq == 1 && broken == 0
                      ? rewritten(hand_signed(a, check_in_op(2), 1, 1), [&](v1::Op& op) { op.set_prev_hash(prev); })
                      : hand_signed(a, check_in_op(2), seq, seq, prev));
  }
  return ops;
}

TEST(OpLog, ABrokenLinkAnywhereRefusesTheWholeBatch) {
  for (std::size_t broken = 0; broken < 6; ++broken) {
    auto d = paired_devices();
    const auto ops = chain_with_broken_link(*d.a_store, broken);
    auto outcome = d.b->apply_remote_batch(ops);
    ASSERT_FALSE(outcome.ok()) << broken;
    EXPECT_EQ(outcome.error().code, v1::CODE_REFUSED);
    EXPECT_EQ(d.b->size(), 0u);
    EXPECT_EQ(stored_ops(*d.b_store), 0u);
    // The same when the link to an op B already holds is the broken one.
    if (broken >= 2) {
      ASSERT_TRUE(d.b->apply_remote_batch(std::span(ops).first(broken)).ok()) << broken;
      EXPECT_FALSE(d.b->apply_remote_batch(std::span(ops).subspan(broken)).ok()) << broken;
      EXPECT_EQ(d.b->head(OpAuthor::partner), broken);
      EXPECT_EQ(stored_ops(*d.b_store), broken);
    }
  }
  // The chain without a broken link applies.
  auto d = paired_devices();
  auto good = chain_with_broken_link(*d.a_store, 99);
  ASSERT_TRUE(d.b->apply_remote_batch(good).ok());
  EXPECT_EQ(d.b->head(OpAuthor::partner), 6u);
}

TEST(OpLog, ABadSignatureOnTheLastOpRefusesTheBatch) {
  auto d = paired_devices();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(d.a->create_local_op(check_in_op(3), test_now).ok());
  auto ops = all_ops(*d.a);
  auto bad = ops;
  v1::SignedOp envelope;
  ASSERT_TRUE(envelope.ParseFromString(bad.back()));
  auto sig = envelope.signature();
  sig[10] = static_cast<char>(sig[10] ^ 0x20);
  envelope.set_signature(sig);
  bad.back() = envelope.SerializeAsString();
  auto outcome = d.b->apply_remote_batch(bad);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, v1::CODE_REFUSED);
  EXPECT_EQ(d.b->size(), 0u);
  EXPECT_EQ(stored_ops(*d.b_store), 0u);
  // A batch ending one op earlier ends on a good signature and applies.
  ASSERT_TRUE(d.b->apply_remote_batch(std::span(bad).first(4)).ok());
  EXPECT_FALSE(d.b->apply_remote_batch(std::span(bad).subspan(4)).ok());
  ASSERT_TRUE(d.b->apply_remote_batch(std::span(ops).subspan(4)).ok());
  EXPECT_EQ(d.b->digest(), d.a->digest());
}

// A middle op's own signature is not checked on arrival; the chain is what catches a forgery.
TEST(OpLog, AForgedMiddleOpIsCaught) {
  auto d = paired_devices();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(d.a->create_local_op(check_in_op(4, "fine"), test_now).ok());
  const auto ops = all_ops(*d.a);
  const auto forge = [](v1::Op& op) { op.mutable_check_in()->set_note("FINE"); };
  // Only the middle op changed: the next op's link no longer names it.
  auto middle = ops;
  middle[2] = rewritten(middle[2], forge);
  EXPECT_EQ(d.b->apply_remote_batch(middle).error().code, v1::CODE_REFUSED);
  // Every later link rewritten to match: then the last op's signature fails.
  auto relinked = ops;
  relinked[2] = rewritten(relinked[2], forge);
  for (std::size_t k = 3; k < relinked.size(); ++k) {
    const auto prev = hash_of(relinked[k - 1]);
    relinked[k] = rewritten(relinked[k], [&](v1::Op& op) { op.set_prev_hash(prev); });
  }
  EXPECT_EQ(d.b->apply_remote_batch(relinked).error().code, v1::CODE_REFUSED);
  // Forged as the last op of a shorter batch: its own signature is checked.
  EXPECT_EQ(d.b->apply_remote_batch(std::span(middle).first(3)).error().code, v1::CODE_REFUSED);
  EXPECT_EQ(d.b->size(), 0u);
  EXPECT_EQ(stored_ops(*d.b_store), 0u);
  ASSERT_TRUE(d.b->apply_remote_batch(ops).ok());
  EXPECT_EQ(d.b->digest(), d.a->digest());
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

// The log is read back from the store: newest() is the reverse of fold order over both
// authors, find() and ops_after() return exactly what was signed.
TEST(OpLog, ReadsItsOpsBackFromTheStore) {
  auto d = paired_devices();
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(d.a->create_local_op(check_in_op(1), test_now).ok());
    ASSERT_TRUE(d.b->create_local_op(check_in_op(2), test_now).ok());  // same lamports as A's
    ASSERT_TRUE(d.a->create_local_op(check_in_op(3), test_now).ok());
  }
  ASSERT_TRUE(d.a->apply_remote_batch(all_ops(*d.b)).ok());
  std::vector<VerifiedOp> all;
  for (const auto author : {OpAuthor::self, OpAuthor::partner}) {
    for (std::uint64_t seq = 1; seq <= d.a->head(author); ++seq) {
      auto op = d.a->find(author, seq);
      ASSERT_TRUE(op.has_value());
      EXPECT_EQ(op->op.seq(), seq);
      all.push_back(*op);
    }
  }
  EXPECT_FALSE(d.a->find(OpAuthor::self, 0).has_value());
  EXPECT_FALSE(d.a->find(OpAuthor::self, 7).has_value());
  std::sort(all.begin(), all.end(), [](const auto& x, const auto& y) { return fold_before(y.op, x.op); });
  auto newest = d.a->newest(100);
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 9u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ((*newest)[i].hash, all[i].hash) << i;
  auto four = d.a->newest(4);
  ASSERT_TRUE(four.ok());
  ASSERT_EQ(four->size(), 4u);
  EXPECT_EQ((*four)[3].hash, all[3].hash);
  const auto after = d.a->ops_after(OpAuthor::self, 2, 3, SIZE_MAX);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0], d.a->find(OpAuthor::self, 3)->signed_op);
  // The byte limit keeps the first op, then stops before the limit would be passed.
  EXPECT_EQ(d.a->ops_after(OpAuthor::self, 0, 10, 1).size(), 1u);
  EXPECT_TRUE(d.a->ops_after(OpAuthor::self, 6, 10, SIZE_MAX).empty());
}

TEST(OpLog, KnowsItsOwnNewestOpAboutEachAgreement) {
  auto d = paired_devices();
  auto mine = d.a->create_local_op(propose_op(), test_now);
  auto theirs = d.b->create_local_op(propose_op("weekly sun 10:00"), test_now);
  ASSERT_TRUE(mine.ok() && theirs.ok());
  ASSERT_TRUE(d.a->apply_remote_batch(all_ops(*d.b)).ok());
  const auto my_hash = to_bytes(mine->hash);
  const auto their_hash = to_bytes(theirs->hash);
  EXPECT_EQ(d.a->own_latest_about(my_hash), 1u);
  EXPECT_EQ(d.a->own_latest_about(their_hash), 0u);
  ASSERT_TRUE(d.a->create_local_op(check_in_op(2), test_now).ok());
  ASSERT_TRUE(d.a->create_local_op(respond_op(their_hash, true), test_now).ok());
  ASSERT_TRUE(d.a->create_local_op(revoke_op(my_hash), test_now).ok());
  EXPECT_EQ(d.a->own_latest_about(their_hash), 3u);
  EXPECT_EQ(d.a->own_latest_about(my_hash), 4u);
  // Rebuilt the same when the log is opened again.
  auto reopened = OpLog::open(*d.a_store);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->own_latest_about(their_hash), 3u);
  EXPECT_EQ((*reopened)->own_latest_about(my_hash), 4u);
}

// B folds its own op first; A's ops that sort before it arrive later and the fold starts
// over from the store. The state equals a freshly opened log's and A's.
TEST(OpLog, ALateConcurrentOpFoldsTheLogAgain) {
  auto d = paired_devices();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(d.b->create_local_op(check_in_op(5), test_now).ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(d.a->create_local_op(check_in_op(1), test_now).ok());
  const auto before = d.b->state();  // folded up to B's own op at lamport 3
  ASSERT_EQ(before.check_ins_size(), 3);
  ASSERT_TRUE(d.b->apply_remote_batch(all_ops(*d.a)).ok());
  ASSERT_TRUE(d.a->apply_remote_batch(all_ops(*d.b)).ok());
  EXPECT_EQ(d.b->state().check_ins_size(), 8);
  EXPECT_EQ(d.b->digest(), d.a->digest());
  auto reopened = OpLog::open(*d.b_store);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->digest(), d.b->digest());
  // Ops that sort after everything are folded as they come: the same digest either way.
  ASSERT_TRUE(d.a->create_local_op(check_in_op(2), test_now).ok());
  ASSERT_TRUE(d.b->apply_remote_batch(all_ops(*d.a)).ok());
  EXPECT_EQ(d.b->digest(), d.a->digest());
}

// A store whose rows do not chain (written around the op log) does not open as a log.
TEST(OpLog, ABrokenChainInTheStoreDoesNotOpen) {
  auto d = paired_devices();
  const auto first = hand_signed(*d.b_store, check_in_op(1), 1, 1);
  const auto unlinked = hand_signed(*d.b_store, check_in_op(1), 2, 2, std::string(32, 'z'));
  const std::vector<store::StoredOp> rows{{OpAuthor::partner, 1, 1, first},
                                          {OpAuthor::partner, 2, 2, unlinked}};
  ASSERT_TRUE(d.a_store->append_ops(rows).ok());
  auto log = OpLog::open(*d.a_store);
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().code, v1::CODE_STORE);
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
