// Schema, migrations and the checks that run before SQLite may write anything.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "store/store_impl.hpp"

namespace pairspace::store::detail {
namespace {

constexpr std::size_t header_bytes = 100;
constexpr std::string_view sqlite_magic{"SQLite format 3\0", 16};
constexpr std::size_t page_size_offset = 16;
constexpr std::size_t change_counter_offset = 24;
constexpr std::size_t page_count_offset = 28;
constexpr std::size_t user_version_offset = 60;
constexpr std::size_t application_id_offset = 68;
constexpr std::size_t version_valid_for_offset = 92;
constexpr std::uint32_t min_page_bytes = 512;
constexpr std::uint32_t max_page_bytes = 65536;

Status create_v1(sql::Database& db) {
  return db.exec(R"sql(
    CREATE TABLE keyring (
      id               INTEGER PRIMARY KEY CHECK (id = 1),
      mode             TEXT    NOT NULL CHECK (mode IN ('key-file', 'passphrase')),
      kdf_salt         BLOB,
      kdf_opslimit     INTEGER,
      kdf_memlimit     INTEGER,
      wrapped_data_key BLOB    NOT NULL
    );
    CREATE TABLE identity (
      id            INTEGER PRIMARY KEY CHECK (id = 1),
      created_at_ms INTEGER NOT NULL,
      sealed        BLOB    NOT NULL
    );
    CREATE TABLE journal (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      created_at_ms INTEGER NOT NULL,
      sealed        BLOB    NOT NULL
    );
    CREATE INDEX journal_by_time ON journal (created_at_ms);
    CREATE TABLE partner (
      id         INTEGER PRIMARY KEY CHECK (id = 1),
      pairing_id BLOB    NOT NULL CHECK (length(pairing_id) = 16),
      sealed     BLOB    NOT NULL,
      contact    BLOB    NOT NULL
    );
    CREATE TABLE session_replay (
      id               INTEGER PRIMARY KEY CHECK (id = 1)
                       REFERENCES partner (id) ON DELETE CASCADE,
      last_accepted_ms INTEGER NOT NULL DEFAULT 0 CHECK (last_accepted_ms >= 0),
      last_sent_ms     INTEGER NOT NULL DEFAULT 0 CHECK (last_sent_ms >= 0)
    );
    CREATE TABLE ops (
      author  INTEGER NOT NULL CHECK (author IN (0, 1)),
      seq     INTEGER NOT NULL CHECK (seq >= 1),
      lamport INTEGER NOT NULL CHECK (lamport >= 1),
      sealed  BLOB    NOT NULL,
      PRIMARY KEY (author, seq)
    ) WITHOUT ROWID;
    CREATE TABLE delivery (
      up_to_seq INTEGER PRIMARY KEY CHECK (up_to_seq >= 1),
      at_ms     INTEGER NOT NULL
    );
  )sql");
}

constexpr std::array<Migration, 1> all_migrations{{{0, &create_v1}}};

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

std::string quoted(const fs::path& p) { return p.string(); }

Error not_sqlite(const fs::path& file) {
  return make_error(v1::CODE_STORE,
                    "The file " + quoted(file) +
                        " is not a pairspace store (it is not an SQLite database, or it is "
                        "damaged). It was left untouched; if you have a backup, restore it.");
}

Error truncated(const fs::path& file) {
  return make_error(v1::CODE_STORE,
                    "The store " + quoted(file) +
                        " is shorter than it should be; it looks cut off or damaged. It was left "
                        "untouched; if you have a backup, restore it.");
}

Error foreign(const fs::path& file) {
  return make_error(v1::CODE_STORE, "The file " + quoted(file) +
                                        " is an SQLite database, but not a pairspace store. It "
                                        "was left untouched.");
}

Error version_error(const fs::path& file, std::int64_t version) {
  if (version < 1) {
    return make_error(v1::CODE_STORE,
                      "The store " + quoted(file) +
                          " was never completely created (its creation was interrupted). It "
                          "was left untouched; move it aside and run `pairspace init` again.");
  }
  return make_error(v1::CODE_STORE,
                    "The store " + quoted(file) + " was made by a newer pairspace (schema " +
                        std::to_string(version) + "; this one knows up to " +
                        std::to_string(schema_version) +
                        "). Please update pairspace; the file was left untouched.");
}

}  // namespace

std::span<const Migration> migrations() { return all_migrations; }

Status migrate(sql::Database& db, int current, int target, std::span<const Migration> steps) {
  for (int version = current; version < target; ++version) {
    const Migration* step = nullptr;
    for (const auto& candidate : steps) {
      if (candidate.from == version) step = &candidate;
    }
    if (step == nullptr) {
      return make_error(v1::CODE_STORE, "pairspace does not know how to upgrade its store from "
                                        "schema " + std::to_string(version) +
                                            "; nothing was changed.");
    }
    sql::Transaction tx(db);
    if (!tx.begun()) return tx.begun().error();
    if (auto st = step->apply(db); !st) return st.error();
    if (auto st = db.exec("PRAGMA user_version = " + std::to_string(version + 1)); !st) {
      return st.error();
    }
    if (auto st = tx.commit(); !st) return st.error();
  }
  return ok_status();
}

Status check_file_header(const fs::path& database, const fs::path& wal) {
  const int fd = ::open(database.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return make_error(v1::CODE_STORE, "pairspace could not read its store " + quoted(database) +
                                          " (" + std::strerror(errno) + ").");
  }
  struct stat info {};
  std::array<std::uint8_t, header_bytes> header{};
  ssize_t got = -1;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) got = ::pread(fd, header.data(), header.size(), 0);
  ::close(fd);
  if (!S_ISREG(info.st_mode)) return not_sqlite(database);
  if (got < 0) {
    return make_error(v1::CODE_STORE, "pairspace could not read its store " + quoted(database) +
                                          ". It was left untouched.");
  }
  if (static_cast<std::size_t>(got) < header.size() ||
      std::memcmp(header.data(), sqlite_magic.data(), sqlite_magic.size()) != 0) {
    return not_sqlite(database);
  }
  std::uint32_t page_bytes =
      (std::uint32_t{header[page_size_offset]} << 8) | header[page_size_offset + 1];
  if (page_bytes == 1) page_bytes = max_page_bytes;
  if (page_bytes < min_page_bytes || page_bytes > max_page_bytes ||
      (page_bytes & (page_bytes - 1)) != 0) {
    return not_sqlite(database);
  }
  if (be32(header.data() + application_id_offset) != application_id) return foreign(database);
  const auto version = static_cast<std::int32_t>(be32(header.data() + user_version_offset));
  if (version > schema_version || version < 1) return version_error(database, version);

  // The in-header page count is authoritative when "version-valid-for" matches the change
  // counter. Skip the size check while a WAL with content exists: a crash mid-checkpoint
  // can legitimately leave the main file short, and the WAL then still holds the pages.
  std::error_code ec;
  const bool wal_has_content = fs::exists(wal, ec) && fs::file_size(wal, ec) > 0 && !ec;
  if (!wal_has_content) {
    const auto size = static_cast<std::uint64_t>(info.st_size);
    if (size % page_bytes != 0) return truncated(database);
    const std::uint32_t pages = be32(header.data() + page_count_offset);
    if (be32(header.data() + version_valid_for_offset) ==
            be32(header.data() + change_counter_offset) &&
        size < std::uint64_t{pages} * page_bytes) {
      return truncated(database);
    }
  }
  return ok_status();
}

Status check_open_database(sql::Database& db, const fs::path& database) {
  auto app = db.query_int("PRAGMA application_id");
  if (!app) return not_sqlite(database);
  if (static_cast<std::uint32_t>(*app) != application_id) return foreign(database);
  auto version = db.query_int("PRAGMA user_version");
  if (!version) return not_sqlite(database);
  if (*version > schema_version || *version < 1) return version_error(database, *version);

  auto check = db.prepare("PRAGMA quick_check");
  if (!check) return check.error();
  auto row = check->step();
  if (!row || !*row || check->column_text(0) != "ok") {
    return make_error(v1::CODE_STORE,
                      "The store " + quoted(database) +
                          " is damaged (SQLite's integrity check failed). It was left "
                          "untouched; if you have a backup, restore it.");
  }
  return ok_status();
}

Status configure_connection(sql::Database& db) {
  // journal_mode answers with the resulting mode; anything but "wal" (e.g. :memory:) is fine
  // for in-memory stores, so only the query's success matters here.
  auto mode = db.prepare("PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  if (auto row = mode->step(); !row) return row.error();
  return db.exec(
      "PRAGMA secure_delete = ON;"
      "PRAGMA foreign_keys = ON;"
      "PRAGMA temp_store = MEMORY;"
      "PRAGMA busy_timeout = 2000;");
}

}  // namespace pairspace::store::detail
