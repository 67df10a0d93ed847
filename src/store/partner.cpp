// The pinned partner (one row, sealed) and the session replay counters (plain integers).
#include <algorithm>

#include "store/store_impl.hpp"

namespace pairspace::store {
namespace {

// Largest timestamp the store keeps: SQLite integers are signed 64-bit.
constexpr std::uint64_t max_session_ts_ms = static_cast<std::uint64_t>(INT64_MAX);

struct PartnerRow {
  std::vector<std::uint8_t> pairing_id;
  std::vector<std::uint8_t> sealed;
  std::vector<std::uint8_t> contact;
};

std::vector<std::uint8_t> copy_of(std::span<const std::uint8_t> bytes) {
  return {bytes.begin(), bytes.end()};
}

Result<std::optional<PartnerRow>> read_row(sql::Database& db) {
  auto stmt = db.prepare("SELECT pairing_id, sealed, contact FROM partner WHERE id = 1");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<PartnerRow>();
  return std::optional<PartnerRow>(
      PartnerRow{copy_of(stmt->column_blob(0)), copy_of(stmt->column_blob(1)),
                 copy_of(stmt->column_blob(2))});
}

Error not_paired() {
  return make_error(v1::CODE_NOT_READY,
                    "This device is not paired yet — pair it with `pairspace pair invite` on one "
                    "device and `pairspace pair join` on the other.");
}

struct Counters {
  std::int64_t last_accepted_ms = 0;
  std::int64_t last_sent_ms = 0;
};

// The counters row; all zero when there is none.
Result<Counters> read_counters(sql::Database& db) {
  auto stmt = db.prepare("SELECT last_accepted_ms, last_sent_ms FROM session_replay WHERE id = 1");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return Counters{};
  return Counters{stmt->column_int64(0), stmt->column_int64(1)};
}

Status require_paired(sql::Database& db) {
  auto paired = db.query_int("SELECT count(*) FROM partner");
  if (!paired) return paired.error();
  if (*paired == 0) return not_paired();
  return ok_status();
}

Status write_counters(sql::Database& db, const Counters& counters) {
  auto stmt = db.prepare(
      "INSERT INTO session_replay (id, last_accepted_ms, last_sent_ms) VALUES (1, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET last_accepted_ms = excluded.last_accepted_ms, "
      "last_sent_ms = excluded.last_sent_ms");
  if (!stmt) return stmt.error();
  stmt->bind(1, counters.last_accepted_ms).bind(2, counters.last_sent_ms);
  return stmt->run();
}

}  // namespace

Result<std::optional<Partner>> Store::partner() const {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  auto row = read_row(m_impl->db);
  if (!row) return row.error();
  if (!*row) return std::optional<Partner>();
  const auto& r = **row;
  auto p = detail::open_partner_record(m_impl->data_key, r.pairing_id, r.sealed);
  if (!p) return p.error();
  if (auto st = detail::open_partner_contact(m_impl->data_key, r.pairing_id, r.contact, *p); !st) {
    return st.error();
  }
  return std::optional<Partner>(std::move(*p));
}

Status Store::set_partner(const Partner& p) {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  if (auto st = detail::check_partner_fields(p); !st) return st;
  auto self = identity();
  if (!self) return self.error();
  if (self->sign_public == p.sign_public || self->dh_public == p.dh_public) {
    return make_error(v1::CODE_USAGE,
                      "Those are this device's own keys: a device cannot pair with itself.");
  }
  const auto pairing_id = crypto::SecureBytes::random(detail::pairing_id_bytes);
  auto record = detail::seal_partner_record(m_impl->data_key, pairing_id.span(), p);
  if (!record) return record.error();
  auto contact =
      detail::seal_partner_contact(m_impl->data_key, pairing_id.span(), p.address, p.last_seen);
  if (!contact) return contact.error();

  auto& db = m_impl->db;
  sql::Transaction tx(db);
  if (!tx.begun()) return tx.begun().error();
  auto existing = db.query_int("SELECT count(*) FROM partner");
  if (!existing) return existing.error();
  if (*existing != 0) {
    return make_error(v1::CODE_REFUSED,
                      "This device already has a partner, and a device pairs with one partner "
                      "at a time. To pair anew, first run `pairspace peer forget`.");
  }
  // Counters never outlive a partner (forget_partner clears them); this only guards
  // against a store edited by hand.
  if (auto st = db.exec("DELETE FROM session_replay"); !st) return st.error();
  if (auto st = db.exec("DELETE FROM ops"); !st) return st.error();
  if (auto st = db.exec("DELETE FROM delivery"); !st) return st.error();
  auto insert =
      db.prepare("INSERT INTO partner (id, pairing_id, sealed, contact) VALUES (1, ?, ?, ?)");
  if (!insert) return insert.error();
  insert->bind(1, pairing_id.span())
      .bind(2, std::span<const std::uint8_t>(*record))
      .bind(3, std::span<const std::uint8_t>(*contact));
  if (auto st = insert->run(); !st) return st.error();
  if (auto st = write_counters(db, Counters{}); !st) return st.error();
  return tx.commit();
}

Status Store::Impl::update_partner_contact(
    const std::function<void(std::string& address, std::optional<TimePoint>& last_seen)>& change) {
  if (auto st = require_unlocked(); !st) return st.error();
  sql::Transaction tx(db);
  if (!tx.begun()) return tx.begun().error();
  auto row = read_row(db);
  if (!row) return row.error();
  if (!*row) return not_paired();
  const auto& r = **row;
  Partner p;
  if (auto st = detail::open_partner_contact(data_key, r.pairing_id, r.contact, p); !st) {
    return st.error();
  }
  change(p.address, p.last_seen);
  auto contact = detail::seal_partner_contact(data_key, r.pairing_id, p.address, p.last_seen);
  if (!contact) return contact.error();
  auto update = db.prepare("UPDATE partner SET contact = ? WHERE id = 1");
  if (!update) return update.error();
  update->bind(1, std::span<const std::uint8_t>(*contact));
  if (auto st = update->run(); !st) return st.error();
  return tx.commit();
}

Status Store::set_partner_address(std::string_view address) {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  if (auto st = detail::check_partner_address(address); !st) return st;
  return m_impl->update_partner_contact(
      [address](std::string& stored, std::optional<TimePoint>&) { stored = address; });
}

Status Store::set_partner_last_seen(TimePoint t) {
  return m_impl->update_partner_contact(
      [t](std::string&, std::optional<TimePoint>& last_seen) { last_seen = t; });
}

Status Store::forget_partner() {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  auto& db = m_impl->db;
  std::int64_t forgotten = 0;
  {
    sql::Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    // THE one place that clears shared state. Every table that holds anything of or
    // shared with the partner (later: the op log, statuses, agreements, sync cursors)
    // MUST be emptied here, in this transaction, and scanned for by the forget test.
    if (auto st = db.exec("DELETE FROM ops"); !st) return st.error();
    if (auto st = db.exec("DELETE FROM delivery"); !st) return st.error();
    if (auto st = db.exec("DELETE FROM session_replay"); !st) return st.error();
    if (auto st = db.exec("DELETE FROM partner"); !st) return st.error();
    forgotten = db.changes();
    if (auto st = tx.commit(); !st) return st.error();
  }
  // Runs even when nothing was there, so a retry finishes a wipe a crash interrupted.
  m_impl->wipe_wal("The partner was forgotten");
  if (forgotten == 0) return not_paired();
  return ok_status();
}

Result<std::uint64_t> Store::last_accepted_session_ts() const {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  auto counters = read_counters(m_impl->db);
  if (!counters) return counters.error();
  return static_cast<std::uint64_t>(counters->last_accepted_ms);
}

Status Store::set_last_accepted_session_ts(std::uint64_t ts_ms) {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  auto& db = m_impl->db;
  sql::Transaction tx(db);
  if (!tx.begun()) return tx.begun().error();
  if (auto st = require_paired(db); !st) return st.error();
  auto counters = read_counters(db);
  if (!counters) return counters.error();
  if (ts_ms > max_session_ts_ms ||
      ts_ms <= static_cast<std::uint64_t>(counters->last_accepted_ms)) {
    return make_error(v1::CODE_REFUSED,
                      "That session handshake is not newer than the last one accepted from the "
                      "partner, so it may be a replay; it was refused.");
  }
  counters->last_accepted_ms = static_cast<std::int64_t>(ts_ms);
  if (auto st = write_counters(db, *counters); !st) return st.error();
  return tx.commit();
}

Result<std::uint64_t> Store::next_session_ts(std::uint64_t now_ms) {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  auto& db = m_impl->db;
  sql::Transaction tx(db);
  if (!tx.begun()) return tx.begun().error();
  if (auto st = require_paired(db); !st) return st.error();
  auto counters = read_counters(db);
  if (!counters) return counters.error();
  if (counters->last_sent_ms == INT64_MAX || now_ms > max_session_ts_ms) {
    return make_error(v1::CODE_STORE,
                      "The session clock in this device's store has run out of range; forget "
                      "the partner and pair again.");
  }
  const auto next = std::max(static_cast<std::int64_t>(now_ms), counters->last_sent_ms + 1);
  counters->last_sent_ms = next;
  if (auto st = write_counters(db, *counters); !st) return st.error();
  if (auto st = tx.commit(); !st) return st.error();
  return static_cast<std::uint64_t>(next);
}

}  // namespace pairspace::store
