// The op log read back from the store (ops_after, find, newest), the fold kept as ops
// arrive, and the full rescan that opening the log and a late concurrent op need.
#include <algorithm>
#include <tuple>

#include "sync/agreements.hpp"
#include "sync/op_log.hpp"
#include "sync/op_reader.hpp"

namespace pairspace::sync {
namespace {

std::size_t index_of(OpAuthor author) { return author == OpAuthor::self ? 0 : 1; }

std::string_view view_of(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

Error damaged_log() {
  return make_error(v1::CODE_STORE,
                    "The shared history in this device's store is out of order: the store is "
                    "damaged. Nothing was changed.");
}

Error unreadable_op() {
  return make_error(v1::CODE_STORE,
                    "A shared change in this device's store could not be read back; nothing "
                    "was changed.");
}

using AboutIndex = std::map<std::string, std::uint64_t, std::less<>>;

// Own ops arrive in seq order, so the last one noted about an agreement is the newest.
void note_about(AboutIndex& index, const VerifiedOp& op) {
  const auto& o = op.op;
  if (o.has_propose()) {
    index[to_bytes(op.hash)] = o.seq();
  } else if (o.has_respond()) {
    index[o.respond().agreement()] = o.seq();
  } else if (o.has_revoke()) {
    index[o.revoke().agreement()] = o.seq();
  }
}

}  // namespace

bool OpLog::FoldKey::operator<(const FoldKey& o) const {
  return std::tie(lamport, rank, seq) < std::tie(o.lamport, o.rank, o.seq);
}

OpLog::FoldKey OpLog::fold_key(OpAuthor author, const v1::Op& op) const {
  return FoldKey{op.lamport(), (author == OpAuthor::self) == m_self_first ? 0 : 1, op.seq()};
}

void OpLog::note_own(const VerifiedOp& op) { note_about(m_own_about, op); }

std::uint64_t OpLog::own_latest_about(std::string_view agreement_hash) const {
  const auto it = m_own_about.find(agreement_hash);
  return it == m_own_about.end() ? 0 : it->second;
}

Status OpLog::rescan() {
  auto reader = FoldOrderReader::open(m_store, m_self_first, false);
  if (!reader) return reader.error();
  Fold fold;
  std::array<Tip, 2> tips{};
  AboutIndex own;
  std::optional<FoldKey> last;
  for (;;) {
    auto row = reader->next();
    if (!row) return row.error();
    if (!*row) break;
    const OpAuthor author = (*row)->author;
    const std::uint64_t seq = (*row)->seq;
    const std::uint64_t lamport = (*row)->lamport;
    auto op = parse_stored_op(std::move((*row)->signed_op));
    if (!op) return op.error();
    Tip& tip = tips[index_of(author)];
    const bool linked =
        tip.seq == 0 ? op->op.prev_hash().empty() : op->op.prev_hash() == view_of(tip.hash);
    if (op->op.author() != to_bytes(key_of(author)) || op->op.seq() != seq ||
        op->op.lamport() != lamport || seq != tip.seq + 1 ||
        (tip.seq != 0 && tip.lamport >= lamport) || !linked) {
      return damaged_log();
    }
    tip = Tip{seq, lamport, op->hash};
    if (author == OpAuthor::self) note_about(own, *op);
    fold.apply(*op);
    last = fold_key(author, op->op);
  }
  m_fold = std::move(fold);
  m_tips = tips;
  m_max_lamport = std::max(tips[0].lamport, tips[1].lamport);
  m_own_about = std::move(own);
  m_last_folded = last;
  m_fold_current = true;
  m_state.reset();
  return ok_status();
}

// The new ops of both authors, merged in fold order, go on top of the fold when they all
// sort after its last op; otherwise the fold is stale until the next state() rescans.
void OpLog::fold_fresh(const Fresh& fresh) {
  if (!m_fold_current) return;
  const auto& mine = fresh[index_of(OpAuthor::self)];
  const auto& theirs = fresh[index_of(OpAuthor::partner)];
  std::size_t i = 0;
  std::size_t k = 0;
  while (i < mine.size() || k < theirs.size()) {
    const bool take_mine =
        k == theirs.size() ||
        (i < mine.size() &&
         fold_key(OpAuthor::self, mine[i].op) < fold_key(OpAuthor::partner, theirs[k].op));
    const OpAuthor author = take_mine ? OpAuthor::self : OpAuthor::partner;
    const VerifiedOp& op = take_mine ? mine[i++] : theirs[k++];
    const FoldKey key = fold_key(author, op.op);
    if (m_last_folded && !(*m_last_folded < key)) {
      m_fold_current = false;  // a concurrent op that sorts earlier: fold again from the start
      return;
    }
    m_fold.apply(op);
    m_last_folded = key;
  }
}

std::vector<std::string> OpLog::ops_after(OpAuthor author, std::uint64_t after_seq,
                                          std::size_t max_count, std::size_t max_bytes) const {
  std::vector<std::string> out;
  const std::uint64_t held = head(author);
  if (after_seq >= held || max_count == 0) return out;
  const std::uint64_t last =
      after_seq + std::min<std::uint64_t>(held - after_seq, static_cast<std::uint64_t>(max_count));
  auto cursor = m_store.read_ops(author, after_seq + 1, last);
  if (!cursor) return out;
  std::size_t bytes = 0;
  while (out.size() < max_count) {
    auto row = cursor->next();
    if (!row || !*row) break;
    std::string& op = (*row)->signed_op;
    if (!out.empty() && bytes + op.size() > max_bytes) break;
    bytes += op.size();
    out.push_back(std::move(op));
  }
  return out;
}

std::optional<VerifiedOp> OpLog::find(OpAuthor author, std::uint64_t seq) const {
  if (seq == 0 || seq > head(author)) return std::nullopt;
  auto cursor = m_store.read_ops(author, seq, seq);
  if (!cursor) return std::nullopt;
  auto row = cursor->next();
  if (!row || !*row) return std::nullopt;
  auto op = parse_stored_op(std::move((*row)->signed_op));
  if (!op) return std::nullopt;
  return std::move(*op);
}

Result<Hash> OpLog::stored_hash(OpAuthor author, std::uint64_t seq) const {
  auto op = find(author, seq);
  if (!op) return unreadable_op();
  return op->hash;
}

Result<std::vector<VerifiedOp>> OpLog::newest(std::size_t limit) const {
  std::vector<VerifiedOp> out;
  auto reader = FoldOrderReader::open(m_store, m_self_first, true);
  if (!reader) return reader.error();
  while (out.size() < limit) {
    auto row = reader->next();
    if (!row) return row.error();
    if (!*row) break;
    auto op = parse_stored_op(std::move((*row)->signed_op));
    if (!op) return op.error();
    out.push_back(std::move(*op));
  }
  return out;
}

const v1::SharedState& OpLog::state() {
  // A failed rescan leaves the last fold in place; the next call tries again.
  if (!m_fold_current) (void)rescan();
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
