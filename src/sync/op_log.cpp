#include "sync/op_log.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>

#include "sync/agreements.hpp"

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

Error damaged_log() {
  return make_error(v1::CODE_STORE,
                    "The shared history in this device's store is out of order: the store is "
                    "damaged. Nothing was changed.");
}

}  // namespace

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
  if (auto st = log->load(); !st) return st.error();
  return log;
}

Status OpLog::load() {
  auto stored = m_store.load_ops();
  if (!stored) return stored.error();
  for (auto& row : *stored) {
    auto op = parse_stored_op(std::move(row.signed_op));
    if (!op) return op.error();
    const auto& ops = ops_of(row.author);
    const bool in_order = ops.empty() || ops.back().op.lamport() < op->op.lamport();
    const bool linked = op->op.prev_hash() == (ops.empty() ? std::string() : to_bytes(ops.back().hash));
    if (op->op.author() != to_bytes(key_of(row.author)) || op->op.seq() != row.seq ||
        op->op.lamport() != row.lamport || row.seq != ops.size() + 1 || !in_order || !linked) {
      return damaged_log();
    }
    append_in_memory(row.author, std::move(*op));
  }
  return ok_status();
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

std::vector<VerifiedOp>& OpLog::ops_of(OpAuthor author) { return m_ops[index_of(author)]; }
const std::vector<VerifiedOp>& OpLog::ops_of(OpAuthor author) const {
  return m_ops[index_of(author)];
}

void OpLog::append_in_memory(OpAuthor author, VerifiedOp op) {
  m_max_lamport = std::max(m_max_lamport, op.op.lamport());
  auto& ops = ops_of(author);
  ops.push_back(std::move(op));
  m_unfolded.push_back(Position{author, ops.size()});
  m_state.reset();
}

std::string OpLog::next_prev_hash(OpAuthor author) const {
  const auto& ops = ops_of(author);
  return ops.empty() ? std::string() : to_bytes(ops.back().hash);
}

Result<VerifiedOp> OpLog::create_local_op(const v1::Op& body, TimePoint now) {
  auto made = create_local_ops(std::span<const v1::Op>(&body, 1), now);
  if (!made) return made.error();
  return ops_of(OpAuthor::self).back();
}

Result<std::size_t> OpLog::create_local_ops(std::span<const v1::Op> bodies, TimePoint now) {
  std::vector<VerifiedOp> made;
  std::vector<store::StoredOp> rows;
  made.reserve(bodies.size());
  rows.reserve(bodies.size());
  std::uint64_t seq = head(OpAuthor::self);
  std::uint64_t lamport = m_max_lamport;
  std::string prev_hash = next_prev_hash(OpAuthor::self);
  for (const auto& body : bodies) {
    v1::Op op = body;
    op.set_author(to_bytes(m_keys.self));
    op.set_seq(++seq);
    op.set_lamport(++lamport);
    op.set_wall_time_ms(to_ms(now));
    op.set_prev_hash(prev_hash);
    auto signed_op = sign_op(op, m_keys.self_sign_secret);
    if (!signed_op) return signed_op.error();
    prev_hash = to_bytes(signed_op->hash);
    rows.push_back(store::StoredOp{OpAuthor::self, seq, lamport, signed_op->signed_op});
    made.push_back(std::move(*signed_op));
  }
  if (rows.empty()) return std::size_t{0};
  if (auto st = m_store.append_ops(rows); !st) return st.error();
  for (auto& op : made) append_in_memory(OpAuthor::self, std::move(op));
  return made.size();
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
    const std::uint64_t stored = m_ops[i].size();
    const std::uint64_t held = stored + fresh[i].size();
    const std::uint64_t seq = op.op.seq();
    auto& seen = author == OpAuthor::self ? outcome.seen.self : outcome.seen.partner;
    seen = std::max(seen, seq);
    if (seq <= held) {
      const auto& have = seq <= stored ? m_ops[i][seq - 1] : fresh[i][seq - stored - 1];
      if (have.hash != op.hash) return refused("two different changes with the same number");
      ++outcome.duplicates;
      continue;
    }
    if (seq != held + 1) return refused("changes are missing before it");
    const VerifiedOp* previous =
        !fresh[i].empty() ? &fresh[i].back() : (stored > 0 ? &m_ops[i].back() : nullptr);
    if (previous != nullptr && previous->op.lamport() >= op.op.lamport()) {
      return refused("a change whose logical clock went backwards");
    }
    const std::string_view link = op.op.prev_hash();
    if (previous == nullptr ? !link.empty()
                            : link != std::string_view(reinterpret_cast<const char*>(
                                                           previous->hash.data()),
                                                       previous->hash.size())) {
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
  for (const auto author : both_authors) {
    for (auto& op : fresh[index_of(author)]) append_in_memory(author, std::move(op));
  }
  outcome.applied = rows.size();
  return outcome;
}

std::uint64_t OpLog::head(OpAuthor author) const { return ops_of(author).size(); }

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

std::size_t OpLog::size() const { return m_ops[0].size() + m_ops[1].size(); }

std::vector<std::string> OpLog::ops_after(OpAuthor author, std::uint64_t after_seq,
                                          std::size_t max_count, std::size_t max_bytes) const {
  std::vector<std::string> out;
  const auto& ops = ops_of(author);
  std::size_t bytes = 0;
  for (std::uint64_t seq = after_seq + 1; seq <= ops.size() && out.size() < max_count; ++seq) {
    const auto& op = ops[seq - 1].signed_op;
    if (!out.empty() && bytes + op.size() > max_bytes) break;
    bytes += op.size();
    out.push_back(op);
  }
  return out;
}

const VerifiedOp* OpLog::find(OpAuthor author, std::uint64_t seq) const {
  const auto& ops = ops_of(author);
  if (seq == 0 || seq > ops.size()) return nullptr;
  return &ops[seq - 1];
}

const VerifiedOp& OpLog::at(Position p) const { return ops_of(p.author)[p.seq - 1]; }

void OpLog::refold() {
  m_fold = Fold{};
  const auto& a = m_ops[0];
  const auto& b = m_ops[1];
  std::size_t i = 0;
  std::size_t k = 0;
  // Each author's ops rise in lamport, so fold order is a merge of the two lists.
  while (i < a.size() || k < b.size()) {
    const bool take_a = k == b.size() || (i < a.size() && fold_before(a[i].op, b[k].op));
    if (take_a) {
      m_fold.apply(a[i++]);
      m_last_folded = Position{OpAuthor::self, i};
    } else {
      m_fold.apply(b[k++]);
      m_last_folded = Position{OpAuthor::partner, k};
    }
  }
  m_unfolded.clear();
}

// New ops that all sort after the last folded one are applied on top; anything that
// sorts earlier (a concurrent op from the partner) makes the fold start over.
void OpLog::catch_up_fold() {
  if (m_unfolded.empty()) return;
  if (!m_last_folded) return refold();
  std::sort(m_unfolded.begin(), m_unfolded.end(),
            [this](Position x, Position y) { return fold_before(at(x).op, at(y).op); });
  if (fold_before(at(m_unfolded.front()).op, at(*m_last_folded).op)) return refold();
  for (const auto p : m_unfolded) m_fold.apply(at(p));
  m_last_folded = m_unfolded.back();
  m_unfolded.clear();
}

const v1::SharedState& OpLog::state() {
  catch_up_fold();
  if (!m_state) {
    m_state = m_fold.state();
    m_digest = digest_of(*m_state);
  }
  return *m_state;
}

Hash OpLog::digest() {
  state();
  return m_digest;
}

Result<v1::AgreementEntry> OpLog::can_accept(std::string_view id) {
  auto found = check_can_respond(state(), m_keys.self, id);
  if (!found) return found.error();
  return **found;
}

Result<v1::AgreementEntry> OpLog::can_revoke(std::string_view id) {
  auto found = check_can_revoke(state(), id);
  if (!found) return found.error();
  return **found;
}

}  // namespace pairspace::sync
