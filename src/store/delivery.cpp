// When the partner's daemon confirmed it holds this device's ops: one row per advance of
// the confirmed seq (docs/storage.md). Times only, nothing the partners wrote.
#include "store/store_impl.hpp"

namespace pairspace::store {

Status Store::record_delivered(std::uint64_t up_to_seq, TimePoint at) {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  if (up_to_seq == 0 || up_to_seq > static_cast<std::uint64_t>(INT64_MAX)) return ok_status();
  auto& db = m_impl->db;
  auto highest = db.query_int("SELECT coalesce(max(up_to_seq), 0) FROM delivery");
  if (!highest) return highest.error();
  if (static_cast<std::uint64_t>(*highest) >= up_to_seq) return ok_status();
  auto insert = db.prepare("INSERT INTO delivery (up_to_seq, at_ms) VALUES (?, ?)");
  if (!insert) return insert.error();
  insert->bind(1, static_cast<std::int64_t>(up_to_seq)).bind(2, detail::to_ms(at));
  return insert->run();
}

Result<std::vector<std::pair<std::uint64_t, TimePoint>>> Store::deliveries() const {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  auto stmt = m_impl->db.prepare("SELECT up_to_seq, at_ms FROM delivery ORDER BY up_to_seq");
  if (!stmt) return stmt.error();
  std::vector<std::pair<std::uint64_t, TimePoint>> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    out.emplace_back(static_cast<std::uint64_t>(stmt->column_int64(0)),
                     detail::from_ms(stmt->column_int64(1)));
  }
  return out;
}

}  // namespace pairspace::store
