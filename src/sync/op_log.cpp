// The op log: opening, this device's new ops, and batches from the partner (admission,
// the one signature per author, the commit). Reading back and folding: op_log_read.cpp.
#include "sync/op_log.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>

namespace pairspace::sync {
namespace {

constexpr std::array<OpAuthor, 2> both_authors{OpAuthor::self, OpAuthor::partner};

std::size_t index_of(OpAuthor author) { return author == OpAuthor::self ? 0 : 1; }

std::int64_t to_ms(TimePoint t) {
  return std::chrono::floor<std::chrono::milliseconds>(t).time_since_epoch().count();
}

Error refused(const std::string& why) {
  return make_error(v1::CODE_REFUSED, "A batch of shared changes from the partner's device was "
                                      "refused (" + why + "); nothing from it was applied.");
}

std::string_view view_of(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

}  // namespace

OpLog::OpLog(store::Store& store, OpLogKeys keys) : m_store(store), m_keys(std::move(keys)) {
  m_self_first = std::lexicographical_compare(m_keys.self.begin(), m_keys.self.end(),
                                              m_keys.partner.begin(), m_keys.partner.end());
}

Result<std::unique_ptr<OpLog>> OpLog::open(store::Store& store) {
  auto identity = store.identity();
  if (!identity) return identity.error();
  auto partner = store.partner();
  if (!partner) return partner.error();
  if (!*partner) {
    return make_error(v1::CODE_NOT_READY,
                      "This device is not paired yet, so there is nothing shared to keep — pair "
                      "it first with `pairspace pair invite` / `pairspace pair join`.");
  }
  OpLogKeys keys;
  keys.self = identity->sign_public;
  keys.self_sign_secret = std::move(identity->sign_secret);
  keys.partner = (*partner)->sign_public;
  return open(store, std::move(keys));
}

Result<std::unique_ptr<OpLog>> OpLog::open(store::Store& store, OpLogKeys keys) {
  if (keys.self == keys.partner || keys.self_sign_secret.size() != crypto_sign_SECRETKEYBYTES) {
    return make_error(v1::CODE_USAGE, "The shared log needs two different devices' keys.");
  }
  std::unique_ptr<OpLog> log(new OpLog(store, std::move(keys)));
  if (auto st = log->rescan(); !st) return st.error();
  return log;
}

const PublicKey& OpLog::key_of(OpAuthor author) const {
  return author == OpAuthor::self ? m_keys.self : m_keys.partner;
}

std::optional<OpAuthor> OpLog::author_of(std::span<const std::uint8_t> key) const {
  if (key.size() != PublicKey{}.size()) return std::nullopt;
  for (const auto author : both_authors) {
    if (sodium_memcmp(key.data(), key_of(author).data(), key.size()) == 0) return author;
  }
  return std::nullopt;
}

Result<VerifiedOp> OpLog::create_local_op(const v1::Op& body, TimePoint now) {
  std::vector<VerifiedOp> made;
  auto count = create_local_ops(std::span<const v1::Op>(&body, 1), now, &made);
  if (!count) return count.error();
  return std::move(made.front());
}

Result<std::size_t> OpLog::create_local_ops(std::span<const v1::Op> bodies, TimePoint now) {
  return create_local_ops(bodies, now, nullptr);
}

Result<std::size_t> OpLog::create_local_ops(std::span<const v1::Op> bodies, TimePoint now,
                                            std::vector<VerifiedOp>* out) {
  Fresh fresh;
  auto& made = fresh[index_of(OpAuthor::self)];
  made.reserve(bodies.size());
  std::vector<store::StoredOp> rows;
  rows.reserve(bodies.size());
  const Tip& tip = m_tips[index_of(OpAuthor::self)];
  std::uint64_t seq = tip.seq;
  std::uint64_t lamport = m_max_lamport;
  std::string prev_hash = seq == 0 ? std::string() : std::string(view_of(tip.hash));
  for (const auto& body : bodies) {
    v1::Op op = body;
    op.set_author(to_bytes(m_keys.self));
    op.set_seq(++seq);
    op.set_lamport(++lamport);
    op.set_wall_time_ms(to_ms(now));
    op.set_prev_hash(prev_hash);
    auto signed_op = sign_op(op, m_keys.self_sign_secret);
    if (!signed_op) return signed_op.error();
    prev_hash = std::string(view_of(signed_op->hash));
    rows.push_back(store::StoredOp{OpAuthor::self, seq, lamport, signed_op->signed_op});
    made.push_back(std::move(*signed_op));
  }
  if (rows.empty()) return std::size_t{0};
  if (auto st = m_store.append_ops(rows); !st) return st.error();
  if (out != nullptr) *out = made;
  const std::size_t count = made.size();
  commit_in_memory(fresh);
  return count;
}

// Every op is parsed and checked, and linked into its author's chain, before the one
// signature per author is checked: the newest new op of each author in the batch. Its
// signature covers its prev_hash, which names the op before it exactly (BLAKE2b-256), and
// so on down to the op this device already held: one valid signature authenticates every
// new op of that author in the batch.
Result<BatchOutcome> OpLog::apply_remote_batch(std::span<const std::string> signed_ops) {
  const std::array<PublicKey, 2> authors{m_keys.self, m_keys.partner};
  std::vector<VerifiedOp> parsed;
  parsed.reserve(signed_ops.size());
  for (const auto& bytes : signed_ops) {
    auto op = parse_op(bytes, authors);
    if (!op) return op.error();
    parsed.push_back(std::move(*op));
  }
  BatchOutcome outcome;
  auto fresh = admit(std::move(parsed), outcome);
  if (!fresh) return fresh.error();
  for (const auto& ops : *fresh) {
    if (ops.empty()) continue;
    if (auto st = check_signature(ops.back()); !st) return st.error();
  }
  return commit(std::move(*fresh), outcome);
}

Result<BatchOutcome> OpLog::apply_verified_batch(std::vector<VerifiedOp> ops) {
  BatchOutcome outcome;
  auto fresh = admit(std::move(ops), outcome);
  if (!fresh) return fresh.error();
  return commit(std::move(*fresh), outcome);
}

Result<OpLog::Fresh> OpLog::admit(std::vector<VerifiedOp> ops, BatchOutcome& outcome) const {
  Fresh fresh;
  for (auto& op : ops) {
    const auto found = author_of(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(op.op.author().data()), op.op.author().size()));
    if (!found) return refused("a change from a device that is not part of this pairing");
    const auto author = *found;
    const auto i = index_of(author);
    const Tip& tip = m_tips[i];
    const std::uint64_t held = tip.seq + fresh[i].size();
    const std::uint64_t seq = op.op.seq();
    auto& seen = author == OpAuthor::self ? outcome.seen.self : outcome.seen.partner;
    seen = std::max(seen, seq);
    if (seq <= held) {
      Hash have{};
      if (seq > tip.seq) {
        have = fresh[i][seq - tip.seq - 1].hash;
      } else if (seq == tip.seq) {
        have = tip.hash;
      } else {
        auto stored = stored_hash(author, seq);
        if (!stored) return stored.error();
        have = *stored;
      }
      if (have != op.hash) return refused("two different changes with the same number");
      ++outcome.duplicates;
      continue;
    }
    if (seq != held + 1) return refused("changes are missing before it");
    const bool first = held == 0;
    const std::uint64_t prev_lamport = fresh[i].empty() ? tip.lamport : fresh[i].back().op.lamport();
    const Hash& prev_hash = fresh[i].empty() ? tip.hash : fresh[i].back().hash;
    if (!first && prev_lamport >= op.op.lamport()) {
      return refused("a change whose logical clock went backwards");
    }
    const std::string_view link = op.op.prev_hash();
    if (first ? !link.empty() : link != view_of(prev_hash)) {
      return refused("a change that does not follow the one before it");
    }
    fresh[i].push_back(std::move(op));
  }
  return fresh;
}

Result<BatchOutcome> OpLog::commit(Fresh fresh, BatchOutcome outcome) {
  std::vector<store::StoredOp> rows;
  for (const auto author : both_authors) {
    for (const auto& op : fresh[index_of(author)]) {
      rows.push_back(store::StoredOp{author, op.op.seq(), op.op.lamport(), op.signed_op});
    }
  }
  if (rows.empty()) return outcome;
  if (auto st = m_store.append_ops(rows); !st) return st.error();
  commit_in_memory(fresh);
  outcome.applied = rows.size();
  return outcome;
}

// After the store took them: the tips, the agreement index, and the fold when the new ops
// all sort after what it holds (otherwise the next state() folds the log again).
void OpLog::commit_in_memory(const Fresh& fresh) {
  for (const auto author : both_authors) {
    const auto& ops = fresh[index_of(author)];
    if (ops.empty()) continue;
    Tip& tip = m_tips[index_of(author)];
    tip = Tip{ops.back().op.seq(), ops.back().op.lamport(), ops.back().hash};
    m_max_lamport = std::max(m_max_lamport, tip.lamport);
    if (author == OpAuthor::self) {
      for (const auto& op : ops) note_own(op);
    }
  }
  fold_fresh(fresh);
  m_state.reset();
}

std::uint64_t OpLog::head(OpAuthor author) const { return m_tips[index_of(author)].seq; }

std::vector<v1::AuthorHead> OpLog::heads() const {
  std::vector<v1::AuthorHead> out;
  for (const auto author : both_authors) {
    v1::AuthorHead h;
    h.set_author(to_bytes(key_of(author)));
    h.set_seq(head(author));
    out.push_back(std::move(h));
  }
  return out;
}

std::size_t OpLog::size() const { return static_cast<std::size_t>(m_tips[0].seq + m_tips[1].seq); }

}  // namespace pairspace::sync
