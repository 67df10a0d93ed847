#pragma once
// A thin RAII layer over the SQLite C API: one connection, prepared statements that are
// reset and finalised by scope, and transactions that roll back unless committed.
// Errors come back as CODE_STORE with a sentence naming the operation.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "util/result.hpp"

namespace pairspace::store::sql {

class Database;

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::span<const std::uint8_t> blob);
  Statement& bind(int index, std::string_view text);

  // true: a row is ready; false: done.
  Result<bool> step();
  // Runs to completion, ignoring rows.
  Status run();

  std::int64_t column_int64(int index) const;
  std::span<const std::uint8_t> column_blob(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  friend class Database;
  Statement(Database& db, sqlite3_stmt* stmt) : m_db(&db), m_stmt(stmt) {}
  Database* m_db;
  sqlite3_stmt* m_stmt;
  int m_bind_error = SQLITE_OK;
};

class Database {
 public:
  // flags: SQLITE_OPEN_* (no URI, no CREATE unless asked).
  static Result<Database> open(const std::string& filename, int flags);
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  Result<Statement> prepare(std::string_view sql);
  // One or more statements without results.
  Status exec(std::string_view sql);
  // The first column of the first row as an integer (for PRAGMAs and counts).
  Result<std::int64_t> query_int(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;

  Error error(std::string_view what, int rc) const;
  sqlite3* handle() { return m_db; }

 private:
  Database(sqlite3* db, std::string filename) : m_db(db), m_filename(std::move(filename)) {}
  sqlite3* m_db = nullptr;
  std::string m_filename;
};

// BEGIN IMMEDIATE on construction (check begun()), ROLLBACK on destruction unless commit().
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  const Status& begun() const { return m_begun; }
  Status commit();

 private:
  Database& m_db;
  Status m_begun;
  bool m_open = false;
};

}  // namespace pairspace::store::sql
