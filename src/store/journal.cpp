// The private journal: every text sealed with the data key, bound to its row and time.
#include <sodium.h>

#include "crypto/aead.hpp"
#include "store/store_impl.hpp"

namespace pairspace::store {
namespace {

constexpr std::size_t max_entry_bytes = 64 * 1024;

Error no_entry(std::uint64_t id) {
  return make_error(v1::CODE_USAGE, "There is no journal entry " + std::to_string(id) + ".");
}

Error unreadable_entry(std::int64_t id) {
  return make_error(v1::CODE_STORE,
                    "Journal entry " + std::to_string(id) +
                        " could not be decrypted: the store was changed outside pairspace or is "
                        "damaged. Nothing was changed.");
}

void set_time(v1::JournalEntry& entry, std::int64_t ms) {
  std::int64_t seconds = ms / 1000;
  std::int64_t rest = ms % 1000;
  if (rest < 0) {
    rest += 1000;
    --seconds;
  }
  entry.mutable_created_at()->set_seconds(seconds);
  entry.mutable_created_at()->set_nanos(static_cast<std::int32_t>(rest * 1'000'000));
}

Result<v1::JournalEntry> open_entry(const crypto::SecureBytes& data_key, std::int64_t id,
                                    std::int64_t created_at_ms,
                                    std::span<const std::uint8_t> sealed) {
  auto plain = crypto::aead_open(data_key, sealed, detail::journal_ad(id, created_at_ms));
  if (!plain) return unreadable_entry(id);
  v1::JournalEntry entry;
  entry.set_id(static_cast<std::uint64_t>(id));
  set_time(entry, created_at_ms);
  entry.set_text(std::string(plain->view()));
  return entry;
}

// Opens many entries in a row (a listing) through ONE secure buffer: crypto::aead_open
// returns each plaintext in its own sodium_malloc'ed block (guard pages, mprotect, mlock:
// some 10 system calls and ~20 µs), which was nearly all of listing 100 000 entries. The
// box format is crypto/aead.hpp's: nonce || ciphertext || tag. The buffer is wiped after
// every entry.
class EntryOpener {
 public:
  explicit EntryOpener(const crypto::SecureBytes& data_key) : m_key(data_key) {}

  Result<v1::JournalEntry> open(std::int64_t id, std::int64_t created_at_ms,
                                std::span<const std::uint8_t> sealed) {
    if (sealed.size() < crypto::aead_overhead_bytes ||
        sealed.size() - crypto::aead_overhead_bytes > max_entry_bytes ||
        m_key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) {
      return unreadable_entry(id);
    }
    if (m_plain.empty()) m_plain = crypto::SecureBytes(max_entry_bytes);
    const std::string ad = detail::journal_ad(id, created_at_ms);
    unsigned long long written = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            m_plain.data(), &written, nullptr, sealed.data() + crypto::aead_nonce_bytes,
            sealed.size() - crypto::aead_nonce_bytes, reinterpret_cast<const unsigned char*>(ad.data()),
            ad.size(), sealed.data(), m_key.data()) != 0) {
      return unreadable_entry(id);
    }
    v1::JournalEntry entry;
    entry.set_id(static_cast<std::uint64_t>(id));
    set_time(entry, created_at_ms);
    entry.set_text(std::string(reinterpret_cast<const char*>(m_plain.data()), static_cast<std::size_t>(written)));
    sodium_memzero(m_plain.data(), static_cast<std::size_t>(written));
    return entry;
  }

 private:
  const crypto::SecureBytes& m_key;
  crypto::SecureBytes m_plain;
};

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool contains_folded(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && ascii_lower(haystack[i + k]) == ascii_lower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

std::optional<std::int64_t> as_row_id(std::uint64_t id) {
  if (id == 0 || id > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<std::int64_t>(id);
}

}  // namespace

Result<v1::JournalEntry> Store::journal_add(std::string_view text, TimePoint now) {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  if (text.empty()) {
    return make_error(v1::CODE_USAGE, "There is nothing to add: the entry is empty.");
  }
  if (text.size() > max_entry_bytes) {
    return make_error(v1::CODE_USAGE, "That entry is longer than " +
                                          std::to_string(max_entry_bytes / 1024) +
                                          " KiB; please split it into smaller entries.");
  }
  if (!detail::valid_utf8(text)) {
    return make_error(v1::CODE_USAGE,
                      "That entry is not valid UTF-8 text; please save it as UTF-8 and try again.");
  }
  auto& db = m_impl->db;
  const std::int64_t created = detail::to_ms(now);
  sql::Transaction tx(db);
  if (!tx.begun()) return tx.begun().error();
  // The row id is part of the associated data, so reserve the row first, then seal.
  auto insert = db.prepare("INSERT INTO journal (created_at_ms, sealed) VALUES (?, X'')");
  if (!insert) return insert.error();
  insert->bind(1, created);
  if (auto st = insert->run(); !st) return st.error();
  const std::int64_t id = db.last_insert_rowid();
  const auto plain = std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  auto sealed = crypto::aead_seal(m_impl->data_key, plain, detail::journal_ad(id, created));
  if (!sealed) return sealed.error();
  auto update = db.prepare("UPDATE journal SET sealed = ? WHERE id = ?");
  if (!update) return update.error();
  update->bind(1, std::span<const std::uint8_t>(*sealed)).bind(2, id);
  if (auto st = update->run(); !st) return st.error();
  if (auto st = tx.commit(); !st) return st.error();
  v1::JournalEntry entry;
  entry.set_id(static_cast<std::uint64_t>(id));
  set_time(entry, created);
  entry.set_text(std::string(text));
  return entry;
}

Result<std::vector<v1::JournalEntry>> Store::journal_list(std::string_view grep,
                                                          std::optional<TimePoint> since) const {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  auto stmt = m_impl->db.prepare(
      "SELECT id, created_at_ms, sealed FROM journal WHERE created_at_ms >= ? "
      "ORDER BY created_at_ms, id");
  if (!stmt) return stmt.error();
  stmt->bind(1, since ? detail::to_ms(*since) : INT64_MIN);
  std::vector<v1::JournalEntry> entries;
  EntryOpener opener(m_impl->data_key);
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    auto entry = opener.open(stmt->column_int64(0), stmt->column_int64(1), stmt->column_blob(2));
    if (!entry) return entry.error();
    if (contains_folded(entry->text(), grep)) entries.push_back(std::move(*entry));
  }
  return entries;
}

Result<v1::JournalEntry> Store::journal_get(std::uint64_t id) const {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  const auto row_id = as_row_id(id);
  if (!row_id) return no_entry(id);
  auto stmt = m_impl->db.prepare("SELECT created_at_ms, sealed FROM journal WHERE id = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, *row_id);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return no_entry(id);
  return open_entry(m_impl->data_key, *row_id, stmt->column_int64(0), stmt->column_blob(1));
}

Status Store::journal_delete(std::uint64_t id) {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  const auto row_id = as_row_id(id);
  if (!row_id) return no_entry(id);
  auto& db = m_impl->db;
  {
    sql::Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    auto stmt = db.prepare("DELETE FROM journal WHERE id = ?");
    if (!stmt) return stmt.error();
    stmt->bind(1, *row_id);
    if (auto st = stmt->run(); !st) return st.error();
    if (db.changes() == 0) return no_entry(id);
    if (auto st = tx.commit(); !st) return st.error();
  }
  // secure_delete zeroed the cell in the new page image; the checkpoint copies that page
  // over the old one in the main file and TRUNCATE empties the WAL that held older images.
  m_impl->wipe_wal("A journal entry was deleted");
  return ok_status();
}

}  // namespace pairspace::store
