#pragma once
// The shared op log of one device: this device's ops and its partner's, persisted in the
// store (sealed), verified on arrival, folded on demand (docs/sync.md). No networking:
// SyncSession moves batches in and out of it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"
#include "sync/fold.hpp"
#include "sync/op_codec.hpp"

namespace pairspace::sync {

using store::OpAuthor;
using TimePoint = store::TimePoint;

// The two authors' keys, and this device's signing key.
struct OpLogKeys {
  PublicKey self{};
  crypto::SecureBytes self_sign_secret;  // 64 bytes
  PublicKey partner{};
};

// What apply_remote_batch did.
struct BatchOutcome {
  std::size_t applied = 0;     // new ops stored
  std::size_t duplicates = 0;  // ops already held, ignored
  store::OpHeads seen;         // highest seq per author among the batch's ops
};

class OpLog {
 public:
  // Keys from the store's identity and partner. Not paired: CODE_NOT_READY.
  static Result<std::unique_ptr<OpLog>> open(store::Store& store);
  // With explicit keys (tests; callers that already hold them). Loads the stored ops.
  static Result<std::unique_ptr<OpLog>> open(store::Store& store, OpLogKeys keys);

  const PublicKey& key_of(OpAuthor author) const;
  std::optional<OpAuthor> author_of(std::span<const std::uint8_t> key) const;

  // Signs a new op of this device: seq = own head + 1, lamport = highest seen + 1,
  // wall time = now, prev_hash = content hash of its op before; body = op's body (anything
  // else in op is overwritten). Persisted before it returns. Bad fields: CODE_USAGE,
  // nothing stored.
  Result<VerifiedOp> create_local_op(const v1::Op& body, TimePoint now);
  // The same for many ops at once, stored in ONE transaction (tools and benchmarks that
  // fill a log). Any bad body: CODE_USAGE, nothing stored. Returns how many were made.
  Result<std::size_t> create_local_ops(std::span<const v1::Op> bodies, TimePoint now);

  // Checks every op first (known author, fields, seq continuity per author, lamport
  // rising per author, each new op's prev_hash = the content hash of its author's op
  // before it), then the Ed25519 signature of each author's newest new op in the batch
  // (which authenticates the others through the chain), then stores the new ones in ONE
  // transaction. A bad op, a gap, a broken link, a bad signature, or a different op under
  // a seq already held refuses the WHOLE batch (CODE_REFUSED) and nothing is applied. Ops
  // already held are ignored. Every op's own signature is stored and forwarded as received.
  Result<BatchOutcome> apply_remote_batch(std::span<const std::string> signed_ops);
  // The same for ops verify_op (or sign_op) already checked: everything but the signature
  // (the author must still be one of this log's two, and the links must hold).
  Result<BatchOutcome> apply_verified_batch(std::vector<VerifiedOp> ops);

  std::uint64_t head(OpAuthor author) const;
  std::vector<v1::AuthorHead> heads() const;  // this device first, then the partner
  std::uint64_t max_lamport() const { return m_max_lamport; }
  std::size_t size() const;

  // Signed bytes of author's ops after `after_seq`, in seq order: at most max_count, and
  // at most max_bytes in all (but always the first one when there is one).
  std::vector<std::string> ops_after(OpAuthor author, std::uint64_t after_seq,
                                     std::size_t max_count, std::size_t max_bytes) const;
  // The op (author, seq), if held (valid until the log changes).
  const VerifiedOp* find(OpAuthor author, std::uint64_t seq) const;

  // The folded state (valid until the log changes) and its digest; recomputed only after
  // the log changed.
  const v1::SharedState& state();
  Hash digest();

  // Checks for the CLI before making a Respond/Revoke/amending Propose op (agreements.hpp):
  // the agreement named by the short id, or CODE_USAGE / CODE_REFUSED with a sentence.
  Result<v1::AgreementEntry> can_accept(std::string_view id);  // also decline
  Result<v1::AgreementEntry> can_revoke(std::string_view id);  // also amend

 private:
  struct Position {
    OpAuthor author;
    std::uint64_t seq;
  };
  using Fresh = std::array<std::vector<VerifiedOp>, 2>;  // new ops per author, by seq
  OpLog(store::Store& store, OpLogKeys keys) : m_store(store), m_keys(std::move(keys)) {}
  Result<Fresh> admit(std::vector<VerifiedOp> ops, BatchOutcome& outcome) const;
  Result<BatchOutcome> commit(Fresh fresh, BatchOutcome outcome);
  std::string next_prev_hash(OpAuthor author) const;
  Status load();
  void append_in_memory(OpAuthor author, VerifiedOp op);
  std::vector<VerifiedOp>& ops_of(OpAuthor author);
  const std::vector<VerifiedOp>& ops_of(OpAuthor author) const;
  const VerifiedOp& at(Position p) const;
  void refold();
  void catch_up_fold();

  store::Store& m_store;
  OpLogKeys m_keys;
  std::array<std::vector<VerifiedOp>, 2> m_ops;  // [self, partner], index seq - 1
  std::uint64_t m_max_lamport = 0;

  Fold m_fold;
  std::optional<Position> m_last_folded;  // fold-order last op applied to m_fold
  std::vector<Position> m_unfolded;       // appended since, not yet folded
  std::optional<v1::SharedState> m_state;
  Hash m_digest{};
};

}  // namespace pairspace::sync
