#include "store/sqlite.hpp"

#include <utility>

namespace pairspace::store::sql {

// ---------------------------------------------------------------- Statement

Statement::Statement(Statement&& other) noexcept
    : m_db(other.m_db), m_stmt(std::exchange(other.m_stmt, nullptr)),
      m_bind_error(other.m_bind_error) {}

Statement::~Statement() {
  if (m_stmt != nullptr) sqlite3_finalize(m_stmt);
}

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(m_stmt, index, value);
  if (rc != SQLITE_OK) m_bind_error = rc;
  return *this;
}

Statement& Statement::bind(int index, std::span<const std::uint8_t> blob) {
  // SQLITE_TRANSIENT: SQLite copies; zero-length blobs bind as X'' rather than NULL.
  static constexpr std::uint8_t empty = 0;
  const void* data = blob.empty() ? &empty : blob.data();
  const int rc = sqlite3_bind_blob64(m_stmt, index, data, blob.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) m_bind_error = rc;
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  const int rc =
      sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) m_bind_error = rc;
  return *this;
}

Result<bool> Statement::step() {
  if (m_bind_error != SQLITE_OK) return m_db->error("prepare a query", m_bind_error);
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(m_stmt);
    return false;
  }
  auto err = m_db->error("read or write", rc);
  sqlite3_reset(m_stmt);
  return err;
}

Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) return ok_status();
  }
}

std::int64_t Statement::column_int64(int index) const {
  return sqlite3_column_int64(m_stmt, index);
}

std::span<const std::uint8_t> Statement::column_blob(int index) const {
  const void* data = sqlite3_column_blob(m_stmt, index);
  const int size = sqlite3_column_bytes(m_stmt, index);
  if (data == nullptr || size <= 0) return {};
  return {static_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size)};
}

std::string Statement::column_text(int index) const {
  const unsigned char* data = sqlite3_column_text(m_stmt, index);
  const int size = sqlite3_column_bytes(m_stmt, index);
  if (data == nullptr || size <= 0) return {};
  return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(m_stmt, index) == SQLITE_NULL;
}

// ---------------------------------------------------------------- Database

Result<Database> Database::open(const std::string& filename, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(filename.c_str(), &raw, flags | SQLITE_OPEN_EXRESCODE, nullptr);
  Database db(raw, filename);
  if (rc != SQLITE_OK) return db.error("open", rc);
  sqlite3_extended_result_codes(raw, 1);
  // Refuse schema tricks from a file someone else crafted.
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  return db;
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_filename(std::move(other.m_filename)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    if (m_db != nullptr) sqlite3_close_v2(m_db);
    m_db = std::exchange(other.m_db, nullptr);
    m_filename = std::move(other.m_filename);
  }
  return *this;
}

Database::~Database() {
  if (m_db != nullptr) sqlite3_close_v2(m_db);
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (stmt != nullptr) sqlite3_finalize(stmt);
    return error("prepare a query", rc);
  }
  return Statement(*this, stmt);
}

Status Database::exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error("update", rc);
  return ok_status();
}

Result<std::int64_t> Database::query_int(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return error("read", SQLITE_NOTFOUND);
  const std::int64_t value = stmt->column_int64(0);
  sqlite3_reset(stmt->m_stmt);
  return value;
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(m_db); }

int Database::changes() const { return sqlite3_changes(m_db); }

Error Database::error(std::string_view what, int rc) const {
  if ((rc & 0xff) == SQLITE_FULL) {  // ENOSPC on a write: say what to do, not the SQLite words
    return make_error(v1::CODE_STORE, "The disk that holds pairspace's store (" + m_filename +
                                          ") has no room left, so this was not saved. Everything "
                                          "saved before is safe; free some space and try again.");
  }
  std::string detail = sqlite3_errstr(rc);
  if (m_db != nullptr && sqlite3_errcode(m_db) == rc) detail = sqlite3_errmsg(m_db);
  return make_error(v1::CODE_STORE, "pairspace could not " + std::string(what) + " its store " +
                                        m_filename + " (" + detail + ").");
}

// ---------------------------------------------------------------- Transaction

Transaction::Transaction(Database& db) : m_db(db), m_begun(db.exec("BEGIN IMMEDIATE")) {
  m_open = m_begun.ok();
}

Transaction::~Transaction() {
  if (m_open) (void)m_db.exec("ROLLBACK");
}

Status Transaction::commit() {
  if (!m_open) return m_begun.ok() ? make_error(v1::CODE_STORE, "Transaction already ended.")
                                   : m_begun.error();
  m_open = false;
  auto st = m_db.exec("COMMIT");
  if (!st) (void)m_db.exec("ROLLBACK");
  return st;
}

}  // namespace pairspace::store::sql
