#include "sync/sync_session.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "test_support.hpp"

namespace pairspace::sync {
namespace {

using namespace testing;

// A Frame must fit one Noise transport message: 65535 bytes minus the 16-byte tag.
constexpr std::size_t max_frame_plaintext = 65535 - 16;
constexpr int max_steps = 100'000;

// Two sessions joined by in-memory queues of serialised frames.
struct Wire {
  Wire(SyncSession& session_a, SyncSession& session_b) : a(session_a), b(session_b) {}
  SyncSession& a;
  SyncSession& b;
  std::deque<std::string> to_a;
  std::deque<std::string> to_b;
  std::size_t largest_frame = 0;
  std::size_t batches = 0;
  std::size_t ops_from_b = 0;
  std::size_t most_in_flight = 0;

  void send(std::deque<std::string>& queue, const std::vector<v1::Frame>& frames, bool from_b) {
    for (const auto& f : frames) {
      auto bytes = f.SerializeAsString();
      largest_frame = std::max(largest_frame, bytes.size());
      if (f.has_op_batch()) {
        ++batches;
        if (from_b) ops_from_b += static_cast<std::size_t>(f.op_batch().ops_size());
      }
      queue.push_back(std::move(bytes));
    }
    most_in_flight = std::max({most_in_flight, a.batches_in_flight(), b.batches_in_flight()});
  }
  void connect() {
    send(to_b, {a.hello()}, false);
    send(to_a, {b.hello()}, true);
  }
  // Delivers until both queues are empty; false if a session asked to drop the link.
  bool run() {
    for (int step = 0; step < max_steps && !(to_a.empty() && to_b.empty()); ++step) {
      const bool for_a = !to_a.empty() && (to_b.empty() || step % 2 == 0);
      auto& queue = for_a ? to_a : to_b;
      v1::Frame frame;
      EXPECT_TRUE(frame.ParseFromString(queue.front()));
      queue.pop_front();
      auto out = (for_a ? a : b).on_frame(frame);
      if (!out) return false;
      send(for_a ? to_b : to_a, *out, !for_a);
    }
    return to_a.empty() && to_b.empty();
  }
};

void make_ops(OpLog& log, int count, int note_bytes_mod = 1) {
  for (int i = 0; i < count; ++i) {
    const auto note = std::string(static_cast<std::size_t>(i % note_bytes_mod), 'n');
    ASSERT_TRUE(log.create_local_op(check_in_op(static_cast<std::uint32_t>(i % 6), note), test_now).ok());
  }
}

TEST(SyncSession, BothSidesCatchUpAndConverge) {
  auto d = paired_devices();
  make_ops(*d.a, 5);
  make_ops(*d.b, 3);
  ASSERT_TRUE(d.a->create_local_op(propose_op(), test_now).ok());
  SyncSession a(*d.a);
  SyncSession b(*d.b);
  Wire wire{a, b};
  wire.connect();
  ASSERT_TRUE(wire.run());
  EXPECT_EQ(d.a->digest(), d.b->digest());
  EXPECT_EQ(d.b->size(), 9u);
  EXPECT_EQ(wire.ops_from_b, 3u);  // B never echoes A's ops back
  EXPECT_TRUE(a.partner_caught_up() && a.caught_up_with_partner());
  EXPECT_TRUE(b.partner_caught_up() && b.caught_up_with_partner());
}

TEST(SyncSession, TenThousandOpsCatchUpInBoundedBatches) {
  auto d = paired_devices();
  ASSERT_NO_FATAL_FAILURE(make_ops(*d.a, 10'000, 400));
  make_ops(*d.b, 2);
  SyncSession a(*d.a);
  SyncSession b(*d.b);
  Wire wire{a, b};
  wire.connect();
  ASSERT_TRUE(wire.run());
  EXPECT_EQ(d.b->head(OpAuthor::partner), 10'000u);
  EXPECT_EQ(d.a->digest(), d.b->digest());
  EXPECT_GE(wire.batches, 10'000u / max_batch_ops);
  EXPECT_LE(wire.largest_frame, max_frame_plaintext);
  EXPECT_LE(wire.largest_frame, max_batch_bytes + max_batch_ops * 4 + 16);
  EXPECT_EQ(wire.most_in_flight, max_batches_in_flight);
  // The receiver kept everything, sealed, in its store.
  auto heads = d.b_store->op_heads();
  ASSERT_TRUE(heads.ok());
  EXPECT_EQ(heads->partner, 10'000u);
}

TEST(SyncSession, NewOpsArePushedLiveWithinTheWindow) {
  auto d = paired_devices();
  SyncSession a(*d.a);
  SyncSession b(*d.b);
  Wire wire{a, b};
  // Before the partner's hello nothing goes out; the op follows the hello.
  ASSERT_TRUE(d.a->create_local_op(status_op(v1::SPACE_STATE_NEED_SPACE), test_now).ok());
  EXPECT_TRUE(a.on_local_op().empty());
  wire.connect();
  ASSERT_TRUE(wire.run());
  EXPECT_EQ(d.b->size(), 1u);

  for (std::size_t i = 0; i < max_batches_in_flight + 2; ++i) {
    ASSERT_TRUE(d.a->create_local_op(check_in_op(2), test_now).ok());
    const auto frames = a.on_local_op();
    EXPECT_EQ(frames.size(), i < max_batches_in_flight ? 1u : 0u) << i;  // window full: wait
    wire.send(wire.to_b, frames, false);
  }
  EXPECT_FALSE(a.partner_caught_up());
  ASSERT_TRUE(wire.run());  // acks release the rest
  EXPECT_EQ(d.b->size(), 1 + max_batches_in_flight + 2);
  EXPECT_EQ(d.a->digest(), d.b->digest());
  EXPECT_TRUE(a.partner_caught_up());
}

TEST(SyncSession, ABadBatchDropsTheConnectionAndAppliesNothing) {
  auto d = paired_devices();
  make_ops(*d.a, 4);
  SyncSession b(*d.b);
  v1::Frame hello;
  for (auto& h : d.a->heads()) *hello.mutable_sync_hello()->add_heads() = h;
  ASSERT_TRUE(b.on_frame(hello).ok());
  const auto ops = all_ops(*d.a);
  const auto digest = d.b->digest();

  v1::Frame gap;
  gap.mutable_op_batch()->add_ops(ops[0]);
  gap.mutable_op_batch()->add_ops(ops[2]);
  auto out = b.on_frame(gap);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, v1::CODE_REFUSED);

  v1::Frame tampered;
  for (const auto& op : ops) tampered.mutable_op_batch()->add_ops(op);
  auto& last = *tampered.mutable_op_batch()->mutable_ops(3);
  last[last.size() - 1] = static_cast<char>(last.back() ^ 0x40);  // inside the signature
  EXPECT_FALSE(b.on_frame(tampered).ok());
  EXPECT_EQ(d.b->size(), 0u);
  EXPECT_EQ(d.b->digest(), digest);
}

TEST(SyncSession, RefusesFramesOutOfProtocol) {
  auto d = paired_devices();
  make_ops(*d.a, 1);
  v1::Frame batch;
  batch.mutable_op_batch()->add_ops(all_ops(*d.a)[0]);
  v1::Frame hello;
  for (auto& h : d.a->heads()) *hello.mutable_sync_hello()->add_heads() = h;
  v1::Frame ack;
  ack.mutable_batch_ack();

  SyncSession early(*d.b);
  EXPECT_FALSE(early.on_frame(batch).ok());  // changes before the hello
  SyncSession twice(*d.b);
  ASSERT_TRUE(twice.on_frame(hello).ok());
  EXPECT_FALSE(twice.on_frame(hello).ok());
  SyncSession unasked(*d.b);
  ASSERT_TRUE(unasked.on_frame(hello).ok());
  EXPECT_FALSE(unasked.on_frame(ack).ok());  // nothing was sent

  auto stranger = memory_store("stranger");
  v1::Frame foreign;
  auto* head = foreign.mutable_sync_hello()->add_heads();
  head->set_author(to_bytes(stranger->identity()->sign_public));
  SyncSession other(*d.b);
  EXPECT_FALSE(other.on_frame(foreign).ok());
  v1::Frame doubled = hello;
  *doubled.mutable_sync_hello()->add_heads() = hello.sync_hello().heads(0);
  SyncSession dup(*d.b);
  EXPECT_FALSE(dup.on_frame(doubled).ok());

  v1::Frame big;
  for (std::size_t i = 0; i <= max_batch_ops; ++i) big.mutable_op_batch()->add_ops(all_ops(*d.a)[0]);
  SyncSession flooded(*d.b);
  ASSERT_TRUE(flooded.on_frame(hello).ok());
  EXPECT_FALSE(flooded.on_frame(big).ok());
  EXPECT_FALSE(flooded.on_frame(v1::Frame()).ok());  // not a sync frame
  EXPECT_TRUE(SyncSession::handles(batch));
  EXPECT_FALSE(SyncSession::handles(v1::Frame()));
  EXPECT_EQ(d.b->size(), 0u);
}

// A device that lost its store (restored with the same keys) gets its own ops back.
TEST(SyncSession, ADeviceGetsItsOwnOpsBackFromThePartner) {
  auto d = paired_devices();
  make_ops(*d.a, 3);
  {
    SyncSession a(*d.a);
    SyncSession b(*d.b);
    Wire wire{a, b};
    wire.connect();
    ASSERT_TRUE(wire.run());
  }
  auto restored_store = memory_store("restored");
  auto a_id = d.a_store->identity();
  auto b_id = d.b_store->identity();
  ASSERT_TRUE(restored_store->set_partner(partner_from(*b_id)).ok());
  auto restored = OpLog::open(*restored_store, keys_for(*a_id, *b_id));
  ASSERT_TRUE(restored.ok());
  SyncSession a(**restored);
  SyncSession b(*d.b);
  Wire wire{a, b};
  wire.connect();
  ASSERT_TRUE(wire.run());
  EXPECT_EQ((*restored)->head(OpAuthor::self), 3u);
  EXPECT_EQ((*restored)->digest(), d.a->digest());
}

}  // namespace
}  // namespace pairspace::sync
