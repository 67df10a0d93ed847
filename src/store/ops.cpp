// The shared-state op log as rows: author (self/partner), seq and lamport in the clear for
// ordering and version vectors, the signed op bytes sealed and bound to the pairing and to
// those clear columns (docs/storage.md "The op log").
#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

#include "crypto/aead.hpp"
#include "store/store_impl.hpp"

namespace pairspace::store {
namespace {

constexpr std::uint64_t max_stored_integer = static_cast<std::uint64_t>(INT64_MAX);

Error not_paired() {
  return make_error(v1::CODE_NOT_READY,
                    "This device is not paired yet, so there is no shared state to keep — pair "
                    "it first with `pairspace pair invite` / `pairspace pair join`.");
}

Error damaged_op(OpAuthor author, std::int64_t seq) {
  return make_error(v1::CODE_STORE,
                    std::string("A shared op (") +
                        (author == OpAuthor::self ? "this device's" : "the partner's") + " #" +
                        std::to_string(seq) +
                        ") could not be decrypted: the store was changed outside pairspace or is "
                        "damaged. Nothing was changed.");
}

Error bad_op_row(std::string_view why) {
  return make_error(v1::CODE_STORE,
                    "pairspace could not store shared ops (" + std::string(why) +
                        "); nothing from that batch was stored.");
}

// The pairing id the boxes are bound to; nullopt when not paired.
Result<std::optional<std::vector<std::uint8_t>>> pairing_id_of(sql::Database& db) {
  auto stmt = db.prepare("SELECT pairing_id FROM partner WHERE id = 1");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::vector<std::uint8_t>>();
  const auto blob = stmt->column_blob(0);
  return std::optional<std::vector<std::uint8_t>>(std::vector<std::uint8_t>(blob.begin(), blob.end()));
}

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Opens a sealed op (crypto/aead.hpp's box: nonce || ciphertext || tag) straight into
// ordinary memory. A signed op is no key: the log hands it around in std::string anyway, and
// crypto::aead_open's SecureBytes costs mmap, mprotect and mlock per op (26 µs of system
// time per op when a 100 000-op log is read back). False when it does not open.
bool open_op_box(const crypto::SecureBytes& key, std::span<const std::uint8_t> sealed,
                 std::string_view ad, std::string& plain) {
  if (key.size() != crypto::aead_key_bytes || sealed.size() < crypto::aead_overhead_bytes) {
    return false;
  }
  const std::size_t body = sealed.size() - crypto::aead_nonce_bytes;
  plain.resize(body - crypto::aead_tag_bytes);
  unsigned char scratch = 0;  // libsodium may need a non-null target for an empty plaintext
  unsigned char* target =
      plain.empty() ? &scratch : reinterpret_cast<unsigned char*>(plain.data());
  unsigned long long written = 0;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(
             target, &written, nullptr, sealed.data() + crypto::aead_nonce_bytes, body,
             reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), sealed.data(),
             key.data()) == 0 &&
         written == plain.size();
}

// For its lifetime, commits on db do not wait for the disk (PRAGMA synchronous = NORMAL: in
// WAL mode a commit still survives a crash of the process, and the database stays
// consistent; a power cut may roll back the newest commits). Restores the setting after.
class NoFlushScope {
 public:
  explicit NoFlushScope(sql::Database& db) : m_db(db) {
    auto current = db.query_int("PRAGMA synchronous");
    if (current && *current > normal_level && db.exec("PRAGMA synchronous = NORMAL")) m_restore = *current;
  }
  ~NoFlushScope() {
    if (m_restore) (void)m_db.exec("PRAGMA synchronous = " + std::to_string(*m_restore));
  }
  NoFlushScope(const NoFlushScope&) = delete;
  NoFlushScope& operator=(const NoFlushScope&) = delete;

 private:
  static constexpr std::int64_t normal_level = 1;
  sql::Database& m_db;
  std::optional<std::int64_t> m_restore;
};

// The associated data of op boxes (detail::op_ad) for many rows of one pairing: the
// pairing's part is written once, each row's part over it (no allocation per row).
class OpAdWriter {
 public:
  explicit OpAdWriter(std::span<const std::uint8_t> pairing_id) {
    static constexpr char hex_digits[] = "0123456789abcdef";
    m_ad = "pairspace/v1/op/";
    for (const auto b : pairing_id) {
      m_ad += hex_digits[b >> 4];
      m_ad += hex_digits[b & 0x0Fu];
    }
    m_prefix = m_ad.size();
  }
  std::string_view of(OpAuthor author, std::uint64_t seq, std::uint64_t lamport) {
    m_ad.resize(m_prefix);
    m_ad += author == OpAuthor::self ? "/self/" : "/partner/";
    append_number(seq);
    m_ad += '/';
    append_number(lamport);
    return m_ad;
  }

 private:
  void append_number(std::uint64_t n) {
    std::array<char, 20> digits{};
    const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), n);
    m_ad.append(digits.data(), end);
  }
  std::string m_ad;
  std::size_t m_prefix = 0;
};

}  // namespace

namespace detail {

std::string op_ad(std::span<const std::uint8_t> pairing_id, OpAuthor author, std::uint64_t seq,
                  std::uint64_t lamport) {
  OpAdWriter writer(pairing_id);
  return std::string(writer.of(author, seq, lamport));
}

}  // namespace detail

Status Store::append_ops(std::span<const StoredOp> ops) {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  for (const auto& op : ops) {
    if (op.seq == 0 || op.lamport == 0) return bad_op_row("a seq or lamport of zero");
    if (op.seq > max_stored_integer || op.lamport > max_stored_integer) {
      return bad_op_row("a seq or lamport out of range");
    }
    if (op.author != OpAuthor::self && op.author != OpAuthor::partner) {
      return bad_op_row("an unknown author");
    }
  }
  auto& db = m_impl->db;
  // Only the partner's ops: the partner holds them (flushed) and sends whatever this device
  // lacks again on the next hello, so their commit need not wait for the disk. Any op of
  // this device's own is flushed before this returns (it must never be lost once sent).
  const bool only_partner = !ops.empty() && std::all_of(ops.begin(), ops.end(), [](const StoredOp& op) {
    return op.author == OpAuthor::partner;
  });
  std::optional<NoFlushScope> no_flush;
  if (only_partner) no_flush.emplace(db);
  sql::Transaction tx(db);
  if (!tx.begun()) return tx.begun().error();
  auto pairing_id = pairing_id_of(db);
  if (!pairing_id) return pairing_id.error();
  if (!*pairing_id) return not_paired();
  auto insert = db.prepare("INSERT INTO ops (author, seq, lamport, sealed) VALUES (?, ?, ?, ?)");
  if (!insert) return insert.error();
  OpAdWriter ad(**pairing_id);
  for (const auto& op : ops) {
    auto sealed = crypto::aead_seal(m_impl->data_key, bytes_of(op.signed_op),
                                    ad.of(op.author, op.seq, op.lamport));
    if (!sealed) return sealed.error();
    // One prepared statement for the batch: step() resets it when a row is done.
    insert->bind(1, static_cast<std::int64_t>(op.author))
        .bind(2, static_cast<std::int64_t>(op.seq))
        .bind(3, static_cast<std::int64_t>(op.lamport))
        .bind(4, std::span<const std::uint8_t>(*sealed));
    if (auto st = insert->run(); !st) return st.error();
  }
  return tx.commit();
}

Result<std::vector<StoredOp>> Store::load_ops() const {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  auto& db = m_impl->db;
  auto pairing_id = pairing_id_of(db);
  if (!pairing_id) return pairing_id.error();
  if (!*pairing_id) return std::vector<StoredOp>();  // forget_partner cleared everything
  auto stmt = db.prepare("SELECT author, seq, lamport, sealed FROM ops ORDER BY author, seq");
  if (!stmt) return stmt.error();
  std::vector<StoredOp> ops;
  OpAdWriter ad(**pairing_id);
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    const auto author_value = stmt->column_int64(0);
    const auto seq = stmt->column_int64(1);
    const auto lamport = stmt->column_int64(2);
    const auto author = author_value == 0 ? OpAuthor::self : OpAuthor::partner;
    if ((author_value != 0 && author_value != 1) || seq < 1 || lamport < 1) {
      return damaged_op(author, seq);
    }
    StoredOp op{author, static_cast<std::uint64_t>(seq), static_cast<std::uint64_t>(lamport), {}};
    if (!open_op_box(m_impl->data_key, stmt->column_blob(3),
                     ad.of(author, op.seq, op.lamport), op.signed_op)) {
      return damaged_op(author, seq);
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

struct OpCursor::State {
  const crypto::SecureBytes* data_key = nullptr;
  std::optional<OpAdWriter> ad;
  OpAuthor author = OpAuthor::self;
  std::optional<sql::Statement> stmt;  // none: not paired, nothing to read
  bool done = false;
};

OpCursor::OpCursor(std::unique_ptr<State> state) : m_state(std::move(state)) {}
OpCursor::OpCursor(OpCursor&& other) noexcept = default;
OpCursor& OpCursor::operator=(OpCursor&& other) noexcept = default;
OpCursor::~OpCursor() = default;

Result<std::optional<StoredOp>> OpCursor::next() {
  if (!m_state || !m_state->stmt || m_state->done) return std::optional<StoredOp>();
  auto& stmt = *m_state->stmt;
  auto row = stmt.step();
  if (!row) return row.error();
  if (!*row) {
    m_state->done = true;  // step() reset the statement: another step would start over
    return std::optional<StoredOp>();
  }
  const auto seq = stmt.column_int64(0);
  const auto lamport = stmt.column_int64(1);
  if (seq < 1 || lamport < 1) return damaged_op(m_state->author, seq);
  StoredOp op{m_state->author, static_cast<std::uint64_t>(seq),
              static_cast<std::uint64_t>(lamport), {}};
  if (!open_op_box(*m_state->data_key, stmt.column_blob(2),
                   m_state->ad->of(op.author, op.seq, op.lamport),
                   op.signed_op)) {
    return damaged_op(op.author, seq);
  }
  return std::optional<StoredOp>(std::move(op));
}

Result<OpCursor> Store::read_ops(OpAuthor author, std::uint64_t first_seq, std::uint64_t last_seq,
                                 bool newest_first) const {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  auto& db = m_impl->db;
  auto state = std::make_unique<OpCursor::State>();
  state->data_key = &m_impl->data_key;
  state->author = author;
  auto pairing_id = pairing_id_of(db);
  if (!pairing_id) return pairing_id.error();
  if (!*pairing_id || first_seq > last_seq || first_seq > max_stored_integer) {
    return OpCursor(std::move(state));
  }
  state->ad.emplace(**pairing_id);
  auto stmt = db.prepare(newest_first ? "SELECT seq, lamport, sealed FROM ops WHERE author = ? "
                                        "AND seq BETWEEN ? AND ? ORDER BY seq DESC"
                                      : "SELECT seq, lamport, sealed FROM ops WHERE author = ? "
                                        "AND seq BETWEEN ? AND ? ORDER BY seq");
  if (!stmt) return stmt.error();
  stmt->bind(1, static_cast<std::int64_t>(author))
      .bind(2, static_cast<std::int64_t>(first_seq))
      .bind(3, static_cast<std::int64_t>(std::min(last_seq, max_stored_integer)));
  state->stmt.emplace(std::move(*stmt));
  return OpCursor(std::move(state));
}

Result<OpHeads> Store::op_heads() const {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  auto stmt = m_impl->db.prepare("SELECT author, max(seq) FROM ops GROUP BY author");
  if (!stmt) return stmt.error();
  OpHeads heads;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    const auto seq = static_cast<std::uint64_t>(stmt->column_int64(1));
    if (stmt->column_int64(0) == 0) {
      heads.self = seq;
    } else {
      heads.partner = seq;
    }
  }
  return heads;
}

}  // namespace pairspace::store
