#include "sync/agreements.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace pairspace::sync {
namespace {

using namespace testing;

struct Proposed {
  Devices d = paired_devices();
  std::string id;
  std::string hash;
  Proposed() {
    auto p = d.a->create_local_op(propose_op("daily 21:00"), test_now);
    EXPECT_TRUE(p.ok());
    id = short_id(p->hash);
    hash = to_bytes(p->hash);
    EXPECT_TRUE(d.b->apply_remote_batch(all_ops(*d.a)).ok());
  }
  void b_says(const v1::Op& body) {
    EXPECT_TRUE(d.b->create_local_op(body, test_now).ok());
    EXPECT_TRUE(d.a->apply_remote_batch(all_ops(*d.b)).ok());
  }
};

TEST(Agreements, TheProposerCannotAcceptItsOwnProposal) {
  Proposed p;
  auto own = p.d.a->can_accept(p.id);
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().code, v1::CODE_REFUSED);
  auto theirs = p.d.b->can_accept(p.id);
  ASSERT_TRUE(theirs.ok()) << theirs.error().message;
  EXPECT_EQ(theirs->content_hash(), p.hash);
  std::string upper = p.id;
  for (auto& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  EXPECT_TRUE(p.d.b->can_accept(upper).ok());
  EXPECT_EQ(p.d.b->can_accept("zzzzzz").error().code, v1::CODE_USAGE);
}

TEST(Agreements, AnActiveAgreementCanBeRevokedButNotAcceptedAgain) {
  Proposed p;
  p.b_says(respond_op(p.hash, true));
  EXPECT_EQ(p.d.b->can_accept(p.id).error().code, v1::CODE_REFUSED);
  EXPECT_TRUE(p.d.a->can_revoke(p.id).ok());
  EXPECT_TRUE(p.d.b->can_revoke(p.id).ok());
  ASSERT_TRUE(p.d.a->create_local_op(revoke_op(p.hash), test_now).ok());
  auto again = p.d.a->can_revoke(p.id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, v1::CODE_REFUSED);
}

TEST(Agreements, ADeclinedProposalIsClosed) {
  Proposed p;
  p.b_says(respond_op(p.hash, false, "not evenings"));
  EXPECT_EQ(p.d.b->can_accept(p.id).error().code, v1::CODE_REFUSED);
  EXPECT_EQ(p.d.a->can_revoke(p.id).error().code, v1::CODE_REFUSED);
  EXPECT_EQ(p.d.a->state().agreements(0).state(), v1::AGREEMENT_STATE_DECLINED);
}

TEST(Agreements, SharedShortIdsPreferTheOpenAgreement) {
  v1::SharedState state;
  auto* closed = state.add_agreements();
  closed->set_id("abcdef");
  closed->set_content_hash(std::string(32, '\x01'));
  closed->set_state(v1::AGREEMENT_STATE_REVOKED);
  auto* open = state.add_agreements();
  open->set_id("abcdef");
  open->set_content_hash(std::string(32, '\x02'));
  open->set_state(v1::AGREEMENT_STATE_ACTIVE);
  auto found = find_agreement(state, "abcdef");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->content_hash(), open->content_hash());
  closed->set_state(v1::AGREEMENT_STATE_PROPOSED);
  EXPECT_EQ(find_agreement(state, "abcdef").error().code, v1::CODE_USAGE);
  EXPECT_EQ(find_agreement(state, "abcde").error().code, v1::CODE_USAGE);
}

}  // namespace
}  // namespace pairspace::sync
