// The shared op log and its sync session on an in-memory store, driven by a script of what
// this device does and what its partner's device sends (a buggy or hostile partner holds a
// real signing key, so the harness signs what the fuzzer writes with it).
//
// Input: a list of actions, each action(1) || its fields:
//   0 local op          chunk: an Op body this device makes (create_local_op)
//   1 partner ops       n(1), then per op: mode(1) jitter(1) chunk (an Op, signed by Sam)
//   2 raw batch         n(1), then n chunks: SignedOps as received
//   3 replay            the last batch that applied, again
//   4 sync frame        chunk: a v1.Frame for the SyncSession
//   5 batch frame       like 1, but delivered as an OpBatch frame through the SyncSession
//   6 hello             the partner's hello with fuzz heads
// Invariants:
//  - a refused batch changes nothing (size, heads, digest); an applied one adds exactly its
//    new ops, counts the rest as duplicates, and a replay of it adds nothing;
//  - the session keeps at most max_batches_in_flight batches unacked, and every frame it
//    sends fits one transport message;
//  - the incrementally folded state equals a full fold of the ops reloaded from the store;
//  - each author's ops form an unbroken hash chain whose newest op has a valid signature
//    (one signature per batch authenticates the chain, so nothing unsigned slips in);
//  - a second device (Sam) that syncs with this one over a fresh session ends with the same
//    heads and the same digest.
#include <sodium.h>

#include <deque>
#include <optional>

#include "fuzz_support.hpp"
#include "sign_raw.hpp"
#include "store/store.hpp"
#include "sync/op_log.hpp"
#include "sync/sync_session.hpp"

namespace pairspace::fuzz {
namespace {

using sync::OpAuthor;

constexpr std::size_t max_actions = 24;
constexpr std::size_t max_frame_plaintext = 65535 - 16;
constexpr int max_sync_steps = 2000;
const store::TimePoint test_now{std::chrono::milliseconds(1'780'000'000'000)};

struct Snapshot {
  std::size_t size;
  std::uint64_t self_head;
  std::uint64_t partner_head;
  sync::Hash digest;
  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(sync::OpLog& log) {
  return {log.size(), log.head(OpAuthor::self), log.head(OpAuthor::partner), log.digest()};
}

sync::OpLogKeys keys_of(const TestKeys& self, const TestKeys& partner) {
  sync::OpLogKeys keys;
  keys.self = self.sign_public;
  keys.self_sign_secret = crypto::SecureBytes(ByteView(self.sign_secret));
  keys.partner = partner.sign_public;
  return keys;
}

// An in-memory device paired with `partner` (the store only keeps ops while paired).
std::unique_ptr<store::Store> paired_store(const std::string& name, const TestKeys& partner) {
  Result<std::unique_ptr<store::Store>> s = store::Store::open_in_memory(name, test_now);
  FUZZ_CHECK(s.ok());
  store::Partner p;
  p.name = "partner";
  p.sign_public = partner.sign_public;
  p.dh_public = partner.dh_public;
  p.safety_number = "12345 67890";
  p.paired_at = test_now;
  FUZZ_CHECK((*s)->set_partner(p).ok());
  return std::move(*s);
}

// content_hash of the author's newest op ("" when none): the prev_hash of its next op.
std::string tip_hash(const sync::OpLog& log, OpAuthor author) {
  const std::uint64_t head = log.head(author);
  if (head == 0) return {};
  const std::vector<std::string> tip = log.ops_after(author, head - 1, 1, SIZE_MAX);
  FUZZ_CHECK(tip.size() == 1);
  Result<sync::VerifiedOp> op = sync::parse_stored_op(tip[0]);
  FUZZ_CHECK(op.ok());
  return sync::to_bytes(op->hash);
}

// The same SignedOp with a signature that does not check out.
std::string forge_signature(const std::string& signed_op) {
  v1::SignedOp envelope;
  FUZZ_CHECK(envelope.ParseFromString(signed_op));
  std::string signature = envelope.signature();
  signature[0] = static_cast<char>(signature[0] ^ 1);
  envelope.set_signature(signature);
  return envelope.SerializeAsString();
}

// Every author's ops in the log form an unbroken hash chain from seq 1 (seq rising by one,
// prev_hash naming the op before, lamport rising), and the newest one carries a valid
// signature of its author: so every op held is authenticated, whatever arrived.
void check_chains(const sync::OpLog& log, const std::array<sync::PublicKey, 2>& keys) {
  for (const OpAuthor author : {OpAuthor::self, OpAuthor::partner}) {
    const std::vector<std::string> ops = log.ops_after(author, 0, SIZE_MAX, SIZE_MAX);
    FUZZ_CHECK(ops.size() == log.head(author));
    std::string prev;
    std::uint64_t lamport = 0;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      Result<sync::VerifiedOp> op = sync::parse_stored_op(ops[i]);
      FUZZ_CHECK(op.ok());
      FUZZ_CHECK(op->op.seq() == i + 1);
      FUZZ_CHECK(op->op.author() == as_string(keys[author == OpAuthor::self ? 0 : 1]));
      FUZZ_CHECK(op->op.prev_hash() == prev);
      FUZZ_CHECK(op->op.lamport() > lamport);
      prev = sync::to_bytes(op->hash);
      lamport = op->op.lamport();
    }
    if (ops.empty()) continue;
    v1::SignedOp envelope;
    FUZZ_CHECK(envelope.ParseFromString(ops.back()));
    const std::string message = std::string(sync::op_signature_context) + envelope.op();
    FUZZ_CHECK(envelope.signature().size() == crypto_sign_BYTES);
    FUZZ_CHECK(crypto_sign_verify_detached(
                   reinterpret_cast<const unsigned char*>(envelope.signature().data()),
                   reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                   keys[author == OpAuthor::self ? 0 : 1].data()) == 0);
  }
}

void check_frames(const std::vector<v1::Frame>& frames) {
  for (const v1::Frame& f : frames) FUZZ_CHECK(f.ByteSizeLong() <= max_frame_plaintext);
}

class Script {
 public:
  Script(FuzzInput& in, sync::OpLog& log)
      : m_in(in), m_log(log), m_alex(test_keys(1)), m_sam(test_keys(2)) {
    m_session.emplace(m_log);
    check_frames({m_session->hello()});
  }

  void run() {
    for (std::size_t i = 0; i < max_actions && !m_in.empty(); ++i) step();
  }

 private:
  // Ops the partner made: the harness fills in what the fuzzer leaves to it.
  std::vector<std::string> partner_ops() {
    const std::size_t n = 1 + m_in.u8() % 4;
    std::vector<std::string> batch;
    std::array<std::uint64_t, 2> seq{m_log.head(OpAuthor::partner), m_log.head(OpAuthor::self)};
    std::array<std::string, 2> prev{tip_hash(m_log, OpAuthor::partner),
                                    tip_hash(m_log, OpAuthor::self)};
    std::uint64_t lamport = m_log.max_lamport();
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t mode = m_in.u8();
      const std::uint8_t jitter = m_in.u8();
      // Mostly Sam's own ops; now and then one of Alex's coming back (signed by Alex).
      const bool by_alex = mode % 8 == 5;
      const std::size_t k = by_alex ? 1 : 0;
      const TestKeys& signer = by_alex ? m_alex : m_sam;
      v1::Op op;
      if (!op.ParseFromString(m_in.chunk_string())) op.mutable_check_in()->set_mood(3);
      if (mode % 4 != 0) {  // a well-behaved envelope around the fuzz body
        op.set_author(as_string(signer.sign_public));
        op.set_seq(++seq[k]);
        lamport += 1 + jitter % 3;
        op.set_lamport(lamport);
        op.set_wall_time_ms(1'780'000'000'000 + jitter);
        op.set_prev_hash(prev[k]);
      }
      // A bad signature on an op that is not the newest of the batch goes unnoticed by
      // design (the newest one's signature covers the chain); the fuzzer may ask for one.
      std::string signed_op = sign_raw(op, signer);
      if (mode % 16 == 9) signed_op = forge_signature(signed_op);
      prev[k] = sync::to_bytes(sync::content_hash(op.SerializeAsString()));
      batch.push_back(std::move(signed_op));
    }
    return batch;
  }

  void apply(const std::vector<std::string>& batch) {
    const Snapshot before = snapshot(m_log);
    Result<sync::BatchOutcome> outcome = m_log.apply_remote_batch(batch);
    const Snapshot after = snapshot(m_log);
    if (!outcome) {
      FUZZ_CHECK(outcome.error().code == v1::CODE_REFUSED);
      FUZZ_CHECK(after == before);
      return;
    }
    FUZZ_CHECK(outcome->applied + outcome->duplicates == batch.size());
    FUZZ_CHECK(after.size == before.size + outcome->applied);
    FUZZ_CHECK(after.self_head >= before.self_head && after.partner_head >= before.partner_head);
    FUZZ_CHECK(outcome->applied > 0 || after == before);
    m_last_applied = batch;
  }

  void on_frame(const v1::Frame& frame) {
    const Snapshot before = snapshot(m_log);
    Result<std::vector<v1::Frame>> out = m_session->on_frame(frame);
    if (!out) {
      FUZZ_CHECK(snapshot(m_log) == before);
      m_session.emplace(m_log);  // the link drops and comes back
      check_frames({m_session->hello()});
      return;
    }
    check_frames(*out);
    FUZZ_CHECK(m_session->batches_in_flight() <= sync::max_batches_in_flight);
  }

  void step() {
    switch (m_in.u8() % 7) {
      case 0: {
        v1::Op body;
        if (!body.ParseFromString(m_in.chunk_string())) return;
        const Snapshot before = snapshot(m_log);
        Result<sync::VerifiedOp> made = m_log.create_local_op(body, test_now);
        if (made) {
          FUZZ_CHECK(m_log.head(OpAuthor::self) == before.self_head + 1);
          FUZZ_CHECK(made->op.seq() == before.self_head + 1);
          FUZZ_CHECK(made->op.lamport() > 0);
          check_frames(m_session->on_local_op());
        } else {
          FUZZ_CHECK(snapshot(m_log) == before);
        }
        return;
      }
      case 1:
        return apply(partner_ops());
      case 2: {
        std::vector<std::string> batch(1 + m_in.u8() % 4);
        for (auto& op : batch) op = m_in.chunk_string();
        return apply(batch);
      }
      case 3: {
        if (m_last_applied.empty()) return;
        const Snapshot before = snapshot(m_log);
        Result<sync::BatchOutcome> again = m_log.apply_remote_batch(m_last_applied);
        FUZZ_CHECK(again.ok());
        FUZZ_CHECK(again->applied == 0 && again->duplicates == m_last_applied.size());
        FUZZ_CHECK(snapshot(m_log) == before);
        return;
      }
      case 4: {
        v1::Frame frame;
        if (!frame.ParseFromString(m_in.chunk_string())) return;
        return on_frame(frame);
      }
      case 5: {
        v1::Frame frame;
        for (auto& op : partner_ops()) frame.mutable_op_batch()->add_ops(std::move(op));
        return on_frame(frame);
      }
      case 6: {
        v1::Frame frame;
        auto* hello = frame.mutable_sync_hello();
        const std::size_t n = m_in.u8() % 3;
        for (std::size_t i = 0; i < n; ++i) {
          auto* head = hello->add_heads();
          const std::uint8_t who = m_in.u8() % 3;
          head->set_author(who == 0   ? as_string(m_alex.sign_public)
                           : who == 1 ? as_string(m_sam.sign_public)
                                      : m_in.chunk_string());
          head->set_seq(m_in.u8() % 2 == 0 ? m_in.u8() : m_in.u64());
        }
        return on_frame(frame);
      }
    }
  }

  FuzzInput& m_in;
  sync::OpLog& m_log;
  TestKeys m_alex;
  TestKeys m_sam;
  std::optional<sync::SyncSession> m_session;
  std::vector<std::string> m_last_applied;
};

// Sam's device, empty, syncs with Alex's over a fresh session until nothing moves.
void check_convergence(sync::OpLog& alex_log) {
  std::unique_ptr<store::Store> sam_store = paired_store("sam", test_keys(1));
  Result<std::unique_ptr<sync::OpLog>> sam_log =
      sync::OpLog::open(*sam_store, keys_of(test_keys(2), test_keys(1)));
  FUZZ_CHECK(sam_log.ok());
  sync::SyncSession a(alex_log);
  sync::SyncSession b(**sam_log);
  std::deque<v1::Frame> to_a{b.hello()};
  std::deque<v1::Frame> to_b{a.hello()};
  int steps = 0;
  while ((!to_a.empty() || !to_b.empty()) && steps++ < max_sync_steps) {
    const bool for_a = !to_a.empty() && (to_b.empty() || steps % 2 == 0);
    std::deque<v1::Frame>& queue = for_a ? to_a : to_b;
    const v1::Frame frame = std::move(queue.front());
    queue.pop_front();
    Result<std::vector<v1::Frame>> out = (for_a ? a : b).on_frame(frame);
    FUZZ_CHECK(out.ok());  // two honest sessions never break the protocol
    check_frames(*out);
    for (auto& f : *out) (for_a ? to_b : to_a).push_back(std::move(f));
  }
  FUZZ_CHECK(to_a.empty() && to_b.empty());
  FUZZ_CHECK(a.partner_caught_up() && b.caught_up_with_partner());
  FUZZ_CHECK((*sam_log)->head(OpAuthor::partner) == alex_log.head(OpAuthor::self));
  FUZZ_CHECK((*sam_log)->head(OpAuthor::self) == alex_log.head(OpAuthor::partner));
  FUZZ_CHECK((*sam_log)->digest() == alex_log.digest());
}

}  // namespace
}  // namespace pairspace::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pairspace::fuzz::fuzz_init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pairspace;
  using namespace pairspace::fuzz;
  reset_random();
  FuzzInput in(data, size);
  std::unique_ptr<store::Store> store = paired_store("alex", test_keys(2));
  Result<std::unique_ptr<sync::OpLog>> log =
      sync::OpLog::open(*store, keys_of(test_keys(1), test_keys(2)));
  FUZZ_CHECK(log.ok());

  Script(in, **log).run();

  const Snapshot now = snapshot(**log);
  FUZZ_CHECK(now == snapshot(**log));
  Result<std::unique_ptr<sync::OpLog>> reloaded =
      sync::OpLog::open(*store, keys_of(test_keys(1), test_keys(2)));
  FUZZ_CHECK(reloaded.ok());
  FUZZ_CHECK(snapshot(**reloaded) == now);
  check_chains(**log, {test_keys(1).sign_public, test_keys(2).sign_public});
  check_convergence(**log);
  return 0;
}
