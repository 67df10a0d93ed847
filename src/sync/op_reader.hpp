#pragma once
// Reading the stored op log back in fold order (or newest first) without holding it in
// memory: one store cursor per author, merged by (lamport, author bytes, seq). Each
// author's lamports rise with seq (checked on arrival and again by OpLog when it loads),
// so the merge of the two seq-ordered streams is the fold order (docs/sync.md §2).
#include <array>
#include <cstdint>
#include <optional>

#include "store/store.hpp"
#include "util/result.hpp"

namespace pairspace::sync {

class FoldOrderReader {
 public:
  // self_first: this device's key sorts before the partner's (the tie-break between two
  // ops with the same lamport). newest_first: reverse fold order.
  static Result<FoldOrderReader> open(const store::Store& store, bool self_first,
                                      bool newest_first);

  // The next stored op (still sealed bytes, not parsed), or nullopt after the last.
  Result<std::optional<store::StoredOp>> next();

 private:
  FoldOrderReader(std::array<std::optional<store::OpCursor>, 2> cursors, bool self_first,
                  bool newest_first)
      : m_cursors(std::move(cursors)), m_self_first(self_first), m_newest_first(newest_first) {}
  Status fill(std::size_t i);
  bool before(const store::StoredOp& a, const store::StoredOp& b) const;

  std::array<std::optional<store::OpCursor>, 2> m_cursors;  // [self, partner]
  std::array<std::optional<store::StoredOp>, 2> m_next;     // each author's next row
  std::array<bool, 2> m_filled{};
  bool m_self_first = true;
  bool m_newest_first = false;
};

}  // namespace pairspace::sync
