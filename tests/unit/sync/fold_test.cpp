#include "sync/fold.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "crypto/identity_keys.hpp"
#include "test_support.hpp"

namespace pairspace::sync {
namespace {

using namespace testing;

// Two authors writing ops with chosen lamports; folded in fold order.
class Script {
 public:
  std::string add(int who, v1::Op body, std::uint64_t lamport) {
    auto& keys = who == 0 ? m_a : m_b;
    body.set_author(to_bytes(keys.sign_public));
    body.set_seq(++m_seq[who]);
    body.set_lamport(lamport);
    body.set_wall_time_ms(static_cast<std::int64_t>(lamport) * 1000);
    body.set_prev_hash(m_last_hash[who]);
    auto op = sign_op(body, keys.sign_secret);
    EXPECT_TRUE(op.ok()) << op.error().message;
    m_last_hash[who] = to_bytes(op->hash);
    m_ops.push_back(*op);
    return to_bytes(op->hash);  // the content hash (names an agreement)
  }
  std::uint64_t last_seq(int who) const { return m_seq.at(who); }
  std::string author(int who) const { return to_bytes(who == 0 ? m_a.sign_public : m_b.sign_public); }

  v1::SharedState state() const {
    auto ops = m_ops;
    std::sort(ops.begin(), ops.end(), [](const auto& x, const auto& y) { return fold_before(x.op, y.op); });
    Fold fold;
    for (const auto& op : ops) fold.apply(op);
    return fold.state();
  }

 private:
  crypto::IdentityKeys m_a = crypto::generate_identity_keys();
  crypto::IdentityKeys m_b = crypto::generate_identity_keys();
  std::map<int, std::uint64_t> m_seq{{0, 0}, {1, 0}};
  std::map<int, std::string> m_last_hash{{0, {}}, {1, {}}};
  std::vector<VerifiedOp> m_ops;
};

const v1::AgreementEntry& agreement(const v1::SharedState& s, const std::string& hash) {
  for (const auto& a : s.agreements()) {
    if (a.content_hash() == hash) return a;
  }
  throw std::runtime_error("no such agreement");
}

const v1::StatusEntry* status_of(const v1::SharedState& s, const std::string& author) {
  for (const auto& st : s.statuses()) {
    if (st.author() == author) return &st;
  }
  return nullptr;
}

TEST(Fold, EachAuthorHasItsOwnLatestStatus) {
  Script s;
  s.add(0, status_op(v1::SPACE_STATE_NEED_SPACE, "a while", 1'780'000'100'000), 1);
  s.add(1, status_op(v1::SPACE_STATE_NEED_SPACE, "me too"), 2);
  s.add(0, status_op(v1::SPACE_STATE_BACK, "back now"), 3);
  const auto state = s.state();
  ASSERT_EQ(state.statuses_size(), 2);
  EXPECT_EQ(status_of(state, s.author(0))->state(), v1::SPACE_STATE_BACK);
  EXPECT_EQ(status_of(state, s.author(0))->note(), "back now");
  EXPECT_EQ(status_of(state, s.author(0))->seq(), 2u);
  EXPECT_EQ(status_of(state, s.author(1))->state(), v1::SPACE_STATE_NEED_SPACE);
  EXPECT_EQ(status_of(state, s.author(1))->note(), "me too");
  EXPECT_EQ(state.max_lamport(), 3u);
  ASSERT_EQ(state.heads_size(), 2);
  EXPECT_LT(state.heads(0).author(), state.heads(1).author());
}

TEST(Fold, AcknowledgementCountsOnlyForTheOtherAuthorsCurrentStatus) {
  Script s;
  s.add(0, status_op(v1::SPACE_STATE_NEED_SPACE), 1);
  s.add(0, ack_op(1), 2);  // acknowledging one's own status: ignored
  EXPECT_FALSE(status_of(s.state(), s.author(0))->acknowledged());
  s.add(1, ack_op(1, "take your time"), 3);
  auto state = s.state();
  EXPECT_TRUE(status_of(state, s.author(0))->acknowledged());
  EXPECT_EQ(status_of(state, s.author(0))->ack_note(), "take your time");
  EXPECT_EQ(status_of(state, s.author(0))->ack_seq(), 1u);

  s.add(0, status_op(v1::SPACE_STATE_NEED_SPACE, "longer"), 4);  // seq 3: new, unacknowledged
  EXPECT_FALSE(status_of(s.state(), s.author(0))->acknowledged());
  s.add(1, ack_op(1), 5);  // names the old status
  EXPECT_FALSE(status_of(s.state(), s.author(0))->acknowledged());
  s.add(1, ack_op(3), 6);
  EXPECT_TRUE(status_of(s.state(), s.author(0))->acknowledged());
}

TEST(Fold, ProposerCannotAcceptItsOwnProposal) {
  Script s;
  const auto p = s.add(0, propose_op(), 1);
  s.add(0, respond_op(p, true), 2);
  auto state = s.state();
  EXPECT_EQ(agreement(state, p).state(), v1::AGREEMENT_STATE_PROPOSED);
  EXPECT_EQ(agreement(state, p).id().size(), short_id_chars);
  s.add(1, respond_op(p, true, "yes please"), 3);
  state = s.state();
  EXPECT_EQ(agreement(state, p).state(), v1::AGREEMENT_STATE_ACTIVE);
  EXPECT_EQ(agreement(state, p).accepted_at_ms(), 3000);
  EXPECT_EQ(agreement(state, p).response_note(), "yes please");
  EXPECT_EQ(agreement(state, p).proposer(), s.author(0));
}

TEST(Fold, DeclineClosesAndLaterAnswersAreIgnored) {
  Script s;
  const auto p = s.add(1, propose_op("mon,wed,fri 08:30"), 1);
  s.add(0, respond_op(p, false, "not mornings"), 2);
  s.add(0, respond_op(p, true), 3);
  const auto state = s.state();
  EXPECT_EQ(agreement(state, p).state(), v1::AGREEMENT_STATE_DECLINED);
  EXPECT_EQ(agreement(state, p).closed_by(), s.author(0));
  EXPECT_EQ(agreement(state, p).accepted_at_ms(), 0);
}

TEST(Fold, EitherPartnerRevokesAndRevokedIsFinal) {
  Script s;
  const auto p1 = s.add(0, propose_op("daily 21:00"), 1);
  const auto p2 = s.add(0, propose_op("daily 08:00"), 2);
  s.add(1, respond_op(p1, true), 3);
  s.add(1, respond_op(p2, true), 4);
  s.add(0, revoke_op(p1), 5);  // by the proposer
  s.add(1, revoke_op(p2), 6);  // by the one who accepted
  s.add(1, respond_op(p1, true), 7);
  const auto state = s.state();
  EXPECT_EQ(agreement(state, p1).state(), v1::AGREEMENT_STATE_REVOKED);
  EXPECT_EQ(agreement(state, p1).closed_by(), s.author(0));
  EXPECT_EQ(agreement(state, p2).state(), v1::AGREEMENT_STATE_REVOKED);
  EXPECT_EQ(agreement(state, p2).closed_by(), s.author(1));

  Script pending;
  const auto p3 = pending.add(1, propose_op(), 1);
  pending.add(1, revoke_op(p3), 2);  // withdrawing a proposal
  pending.add(0, respond_op(p3, true), 3);
  EXPECT_EQ(agreement(pending.state(), p3).state(), v1::AGREEMENT_STATE_REVOKED);
}

TEST(Fold, AmendmentReplacesTheOldVersionOnlyWhenAccepted) {
  Script s;
  const auto p1 = s.add(0, propose_op("daily 21:00"), 1);
  s.add(1, respond_op(p1, true), 2);
  const auto p2 = s.add(1, propose_op("daily 21:30", p1), 3);
  EXPECT_EQ(agreement(s.state(), p1).state(), v1::AGREEMENT_STATE_ACTIVE);
  const auto p3 = s.add(1, propose_op("daily 22:00", p1), 4);
  s.add(0, respond_op(p3, false), 5);  // a declined amendment changes nothing
  EXPECT_EQ(agreement(s.state(), p1).state(), v1::AGREEMENT_STATE_ACTIVE);
  s.add(0, respond_op(p2, true), 6);
  const auto state = s.state();
  EXPECT_EQ(agreement(state, p1).state(), v1::AGREEMENT_STATE_SUPERSEDED);
  EXPECT_EQ(agreement(state, p1).superseded_by(), p2);
  EXPECT_EQ(agreement(state, p2).state(), v1::AGREEMENT_STATE_ACTIVE);
  EXPECT_EQ(agreement(state, p2).amends(), p1);
  ASSERT_EQ(state.agreements_size(), 3);
  EXPECT_EQ(state.agreements(0).content_hash(), p1);  // in proposal order
  EXPECT_EQ(state.agreements(2).content_hash(), p3);
}

TEST(Fold, KeepsTheNewestCheckInsPerAuthor) {
  Script s;
  for (std::uint64_t i = 1; i <= check_ins_kept_per_author + 10; ++i) {
    s.add(0, check_in_op(static_cast<std::uint32_t>(i % 6), "a" + std::to_string(i)), 2 * i);
  }
  s.add(1, check_in_op(5, "b"), 3);
  const auto state = s.state();
  ASSERT_EQ(static_cast<std::size_t>(state.check_ins_size()), check_ins_kept_per_author + 1);
  EXPECT_EQ(state.check_ins(0).note(), "b");    // fold order: lamport 3 first
  EXPECT_EQ(state.check_ins(1).note(), "a11");  // oldest kept of author 0 (lamport 22)
  EXPECT_EQ(state.check_ins(1).lamport(), 22u);
  EXPECT_EQ(state.check_ins(state.check_ins_size() - 1).note(), "a60");
  int from_b = 0;
  for (const auto& c : state.check_ins()) from_b += c.author() == s.author(1) ? 1 : 0;
  EXPECT_EQ(from_b, 1);
}

TEST(Fold, DigestFollowsTheCanonicalState) {
  Script s;
  s.add(0, status_op(v1::SPACE_STATE_NEED_SPACE), 1);
  const auto before = s.state();
  EXPECT_EQ(digest_of(before), digest_of(s.state()));
  s.add(1, check_in_op(2), 2);
  EXPECT_NE(digest_of(before), digest_of(s.state()));
  EXPECT_NE(digest_of(v1::SharedState()), digest_of(before));
}

}  // namespace
}  // namespace pairspace::sync
