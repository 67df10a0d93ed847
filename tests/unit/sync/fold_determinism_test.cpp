// Property test: the same set of ops, delivered in any interleaving that keeps each
// author's own order, in batches of any size and with duplicates re-delivered, folds to
// the same digest. The ops come from two devices acting on their own (partial) views and
// syncing now and then, so they hold concurrent proposals, answers and revocations.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <random>

#include "sync/op_log.hpp"
#include "test_support.hpp"

namespace pairspace::sync {
namespace {

using namespace testing;

constexpr int actions_per_run = 320;
constexpr int interleavings = 200;
constexpr std::size_t max_delivery_batch = 40;

std::uint64_t test_seed() {
  if (const char* s = std::getenv("PAIRSPACE_TEST_SEED"); s != nullptr) {
    return std::strtoull(s, nullptr, 10);
  }
  return std::random_device{}();
}

std::size_t pick(std::mt19937_64& rng, std::size_t n) {
  return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
}

bool chance(std::mt19937_64& rng, double p) { return std::bernoulli_distribution(p)(rng); }

// One device does something plausible from what it currently knows.
void act(OpLog& me, std::mt19937_64& rng, int step) {
  const auto state = me.state();  // a copy: me changes below
  const std::string self = to_bytes(me.key_of(OpAuthor::self));
  std::vector<const v1::AgreementEntry*> proposed;
  std::vector<const v1::AgreementEntry*> open;
  for (const auto& a : state.agreements()) {
    if (a.state() == v1::AGREEMENT_STATE_PROPOSED) proposed.push_back(&a);
    if (a.state() == v1::AGREEMENT_STATE_PROPOSED || a.state() == v1::AGREEMENT_STATE_ACTIVE) {
      open.push_back(&a);
    }
  }
  const auto note = "n" + std::to_string(step);
  v1::Op body;
  const auto roll = pick(rng, 100);
  if (roll < 12) {
    body = status_op(chance(rng, 0.6) ? v1::SPACE_STATE_NEED_SPACE : v1::SPACE_STATE_BACK, note,
                     chance(rng, 0.5) ? 1'780'000'000'000 + step : 0);
  } else if (roll < 22) {
    std::uint64_t partner_status = 0;
    for (const auto& s : state.statuses()) {
      if (s.author() != self) partner_status = s.seq();
    }
    // Sometimes an acknowledgement of a status that is not (or no longer) in effect.
    body = ack_op(partner_status != 0 && chance(rng, 0.8) ? partner_status : 1 + pick(rng, 5), note);
  } else if (roll < 42) {
    std::string amends;
    if (!open.empty() && chance(rng, 0.3)) amends = open[pick(rng, open.size())]->content_hash();
    body = propose_op("daily " + std::to_string(step % 24) + ":00", amends);
  } else if (roll < 65 && !proposed.empty()) {
    const auto* a = proposed[pick(rng, proposed.size())];
    // Mostly the partner's proposals; now and then one's own (which the fold ignores).
    if (a->proposer() == self && chance(rng, 0.8)) return;
    body = respond_op(a->content_hash(), chance(rng, 0.7), note);
  } else if (roll < 77 && !state.agreements().empty()) {
    // Any agreement, open or not: revoking a closed one is ignored by the fold.
    const auto n = static_cast<std::size_t>(state.agreements_size());
    body = revoke_op(state.agreements(static_cast<int>(pick(rng, n))).content_hash());
  } else {
    body = check_in_op(static_cast<std::uint32_t>(pick(rng, 6)), note);
  }
  auto made = me.create_local_op(body, test_now + std::chrono::seconds(step));
  ASSERT_TRUE(made.ok()) << made.error().message;
}

// Sends some of what `to` is missing from `from` (a prefix per author, so no gaps).
void partial_sync(OpLog& from, OpLog& to, std::mt19937_64& rng) {
  std::vector<std::string> batch;
  for (const auto author : {OpAuthor::self, OpAuthor::partner}) {
    const auto their_author = author == OpAuthor::self ? OpAuthor::partner : OpAuthor::self;
    auto ops = from.ops_after(author, to.head(their_author), 1 + pick(rng, 30), SIZE_MAX);
    batch.insert(batch.end(), ops.begin(), ops.end());
  }
  auto applied = to.apply_remote_batch(batch);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
}

TEST(FoldDeterminism, AnyInterleavingWithDuplicatesGivesTheSameDigest) {
  const auto seed = test_seed();
  std::cout << "FoldDeterminism seed=" << seed << " (set PAIRSPACE_TEST_SEED to repeat)\n";
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);

  auto d = paired_devices();
  for (int step = 0; step < actions_per_run; ++step) {
    ASSERT_NO_FATAL_FAILURE(act(chance(rng, 0.5) ? *d.a : *d.b, rng, step));
    if (chance(rng, 0.25)) {
      ASSERT_NO_FATAL_FAILURE(partial_sync(*d.a, *d.b, rng));
    }
    if (chance(rng, 0.25)) {
      ASSERT_NO_FATAL_FAILURE(partial_sync(*d.b, *d.a, rng));
    }
  }
  ASSERT_TRUE(d.b->apply_remote_batch(all_ops(*d.a)).ok());
  ASSERT_TRUE(d.a->apply_remote_batch(all_ops(*d.b)).ok());
  const auto reference = d.a->digest();
  ASSERT_EQ(d.b->digest(), reference);

  // The set must be interesting: concurrency, and every kind of outcome.
  const auto& state = d.a->state();
  std::array<int, 6> outcomes{};
  for (const auto& a : state.agreements()) ++outcomes[static_cast<std::size_t>(a.state())];
  for (auto s : {v1::AGREEMENT_STATE_PROPOSED, v1::AGREEMENT_STATE_ACTIVE,
                 v1::AGREEMENT_STATE_DECLINED, v1::AGREEMENT_STATE_REVOKED,
                 v1::AGREEMENT_STATE_SUPERSEDED}) {
    EXPECT_GT(outcomes[static_cast<std::size_t>(s)], 0) << "no agreement ended " << s;
  }
  const auto a_signed = d.a->ops_after(OpAuthor::self, 0, SIZE_MAX, SIZE_MAX);
  const auto b_signed = d.a->ops_after(OpAuthor::partner, 0, SIZE_MAX, SIZE_MAX);
  ASSERT_EQ(a_signed.size() + b_signed.size(), d.a->size());
  EXPECT_GT(d.a->size(), 200u);
  EXPECT_LT(state.max_lamport(), d.a->size());  // some ops share a lamport: concurrent

  // Signatures are checked once here (verify_op has its own tests); each interleaving
  // then goes through everything else the log does with a batch.
  const std::array<PublicKey, 2> authors{d.a->key_of(OpAuthor::self), d.b->key_of(OpAuthor::self)};
  std::vector<VerifiedOp> a_ops;
  std::vector<VerifiedOp> b_ops;
  for (const auto& [from, to] : {std::pair{&a_signed, &a_ops}, std::pair{&b_signed, &b_ops}}) {
    for (const auto& bytes : *from) {
      auto op = verify_op(bytes, authors);
      ASSERT_TRUE(op.ok());
      to->push_back(std::move(*op));
    }
  }

  auto a_id = d.a_store->identity();
  auto b_id = d.b_store->identity();
  for (int run = 0; run < interleavings; ++run) {
    SCOPED_TRACE("interleaving " + std::to_string(run));
    // A third store holds the log; its "self" alternates between the two authors.
    auto observer_store = memory_store("observer");
    const bool a_is_self = run % 2 == 0;
    ASSERT_TRUE(observer_store->set_partner(partner_from(a_is_self ? *b_id : *a_id)).ok());
    auto observer = OpLog::open(*observer_store, a_is_self ? keys_for(*a_id, *b_id) : keys_for(*b_id, *a_id));
    ASSERT_TRUE(observer.ok()) << observer.error().message;

    std::vector<VerifiedOp> order;  // each author's ops in order, interleaved at random
    std::size_t i = 0;
    std::size_t k = 0;
    while (i < a_ops.size() || k < b_ops.size()) {
      const bool take_a = k == b_ops.size() || (i < a_ops.size() && chance(rng, 0.5));
      order.push_back(take_a ? a_ops[i++] : b_ops[k++]);
    }
    std::size_t delivered = 0;
    while (delivered < order.size()) {
      const auto n = std::min(order.size() - delivered, 1 + pick(rng, max_delivery_batch));
      std::vector<VerifiedOp> batch(order.begin() + static_cast<std::ptrdiff_t>(delivered),
                                     order.begin() + static_cast<std::ptrdiff_t>(delivered + n));
      // Re-deliver a few ops already sent, and repeat some inside the batch.
      for (std::size_t dup = pick(rng, 4); dup > 0 && delivered > 0; --dup) {
        batch.insert(batch.begin() + static_cast<std::ptrdiff_t>(pick(rng, batch.size() + 1)),
                     order[pick(rng, delivered)]);
      }
      if (chance(rng, 0.2)) {
        const auto again = batch[pick(rng, batch.size())];
        batch.push_back(again);
      }
      auto applied = (*observer)->apply_verified_batch(std::move(batch));
      ASSERT_TRUE(applied.ok()) << applied.error().message;
      delivered += n;
      if (chance(rng, 0.15)) (*observer)->digest();  // fold part-way (incremental paths)
    }
    ASSERT_EQ((*observer)->size(), order.size());
    ASSERT_EQ(hex((*observer)->digest()), hex(reference));
  }
}

}  // namespace
}  // namespace pairspace::sync
