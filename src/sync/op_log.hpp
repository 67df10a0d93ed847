#pragma once
// The shared op log of one device: this device's ops and its partner's, persisted in the
// store (sealed), verified on arrival, folded as they come (docs/sync.md). No networking:
// SyncSession moves batches in and out of it.
//
// Memory does not grow with the log: the ops live in the store only. In memory are each
// author's tip (highest seq, its lamport and content hash), the highest lamport, the folded
// state, and, per agreement, this device's newest op about it. Ops are read back from the
// store when asked for (ops_after, find, newest) and when the fold must start over.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
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
  // at most max_bytes in all (but always the first one when there is one). Read from the
  // store; if it cannot be read, what was read so far (the caller asks again later).
  std::vector<std::string> ops_after(OpAuthor author, std::uint64_t after_seq,
                                     std::size_t max_count, std::size_t max_bytes) const;
  // The op (author, seq), read back from the store; nullopt if not held (or unreadable).
  std::optional<VerifiedOp> find(OpAuthor author, std::uint64_t seq) const;
  // The newest `limit` ops of both authors, newest first (the reverse of fold order).
  Result<std::vector<VerifiedOp>> newest(std::size_t limit) const;
  // The seq of this device's newest op about the agreement with this content hash (its
  // proposal, or a response or revocation naming it); 0 when there is none.
  std::uint64_t own_latest_about(std::string_view agreement_hash) const;

  // The folded state (valid until the log changes) and its digest. New ops that sort after
  // everything folded are folded as they arrive; one that sorts earlier (a concurrent op
  // arriving late) makes the next call fold the whole log again, streamed from the store.
  // If the store cannot be read then, the state is the last one folded and the next call
  // tries again.
  const v1::SharedState& state();
  Hash digest();

  // Checks for the CLI before making a Respond/Revoke/amending Propose op (agreements.hpp):
  // the agreement named by the short id, or CODE_USAGE / CODE_REFUSED with a sentence.
  Result<v1::AgreementEntry> can_accept(std::string_view id);  // also decline
  Result<v1::AgreementEntry> can_revoke(std::string_view id);  // also amend

 private:
  struct Tip {
    std::uint64_t seq = 0;      // 0: no op yet
    std::uint64_t lamport = 0;
    Hash hash{};                // content hash of op `seq`
  };
  struct FoldKey {  // fold order: lamport, then author bytes (rank 0 sorts first), then seq
    std::uint64_t lamport = 0;
    int rank = 0;
    std::uint64_t seq = 0;
    bool operator<(const FoldKey& o) const;
  };
  using Fresh = std::array<std::vector<VerifiedOp>, 2>;  // new ops per author, by seq

  OpLog(store::Store& store, OpLogKeys keys);
  Result<Fresh> admit(std::vector<VerifiedOp> ops, BatchOutcome& outcome) const;
  Result<std::size_t> create_local_ops(std::span<const v1::Op> bodies, TimePoint now,
                                       std::vector<VerifiedOp>* out);
  Result<BatchOutcome> commit(Fresh fresh, BatchOutcome outcome);
  void commit_in_memory(const Fresh& fresh);
  Result<Hash> stored_hash(OpAuthor author, std::uint64_t seq) const;
  // Reads the whole log back in fold order: checks every row, refolds, rebuilds the tips
  // and the agreement index. Nothing changes unless it all worked.
  Status rescan();
  void note_own(const VerifiedOp& op);
  FoldKey fold_key(OpAuthor author, const v1::Op& op) const;
  void fold_fresh(const Fresh& fresh);

  store::Store& m_store;
  OpLogKeys m_keys;
  bool m_self_first = true;       // this device's key sorts before the partner's
  std::array<Tip, 2> m_tips;      // [self, partner]
  std::uint64_t m_max_lamport = 0;
  std::map<std::string, std::uint64_t, std::less<>> m_own_about;  // agreement -> own seq

  Fold m_fold;
  bool m_fold_current = false;           // m_fold has every op of the log
  std::optional<FoldKey> m_last_folded;  // fold-order last op in m_fold
  std::optional<v1::SharedState> m_state;
  Hash m_digest{};
};

}  // namespace pairspace::sync
