#include "sync/op_reader.hpp"

#include <cstdint>
#include <limits>

namespace pairspace::sync {

using store::OpAuthor;

Result<FoldOrderReader> FoldOrderReader::open(const store::Store& store, bool self_first,
                                              bool newest_first) {
  constexpr auto last = std::numeric_limits<std::uint64_t>::max();
  std::array<std::optional<store::OpCursor>, 2> cursors;
  for (const auto author : {OpAuthor::self, OpAuthor::partner}) {
    auto cursor = store.read_ops(author, 1, last, newest_first);
    if (!cursor) return cursor.error();
    cursors[static_cast<std::size_t>(author)].emplace(std::move(*cursor));
  }
  return FoldOrderReader(std::move(cursors), self_first, newest_first);
}

Status FoldOrderReader::fill(std::size_t i) {
  if (m_filled[i]) return ok_status();
  auto row = m_cursors[i]->next();
  if (!row) return row.error();
  m_next[i] = std::move(*row);
  m_filled[i] = true;
  return ok_status();
}

// Fold order: (lamport, author bytes, seq).
bool FoldOrderReader::before(const store::StoredOp& a, const store::StoredOp& b) const {
  if (a.lamport != b.lamport) return a.lamport < b.lamport;
  if (a.author != b.author) return (a.author == OpAuthor::self) == m_self_first;
  return a.seq < b.seq;
}

Result<std::optional<store::StoredOp>> FoldOrderReader::next() {
  for (std::size_t i = 0; i < m_next.size(); ++i) {
    if (auto st = fill(i); !st) return st.error();
  }
  std::size_t pick = 0;
  if (!m_next[0]) {
    pick = 1;
  } else if (m_next[1]) {
    const bool first_is_self = before(*m_next[0], *m_next[1]);
    pick = (first_is_self != m_newest_first) ? 0 : 1;
  }
  if (!m_next[pick]) return std::optional<store::StoredOp>();
  std::optional<store::StoredOp> out = std::move(m_next[pick]);
  m_next[pick].reset();
  m_filled[pick] = false;
  return out;
}

}  // namespace pairspace::sync
