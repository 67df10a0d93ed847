// Files pairspace does not recognise are refused without a single byte changing.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/store.hpp"
#include "store/store_impl.hpp"
#include "test_home.hpp"

namespace pairspace::store {
namespace {

using testing::at_ms;
using testing::TempDir;

class SchemaRefusal : public ::testing::Test {
 protected:
  void SetUp() override {
    paths = HomePaths::of(dir.path() / "d");
    auto created = init_home(paths.home, {}, at_ms(1));
    ASSERT_TRUE(created.ok());
    auto store = Store::open(paths);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->journal_add("an entry", at_ms(2)).ok());
  }

  // Opens, expects a refusal with `code`, and checks no file changed or appeared.
  Error expect_refused(v1::Code code) {
    const auto db_before = testing::hash_file(paths.database);
    const auto key_before = testing::hash_file(paths.key_file);
    auto store = Store::open(paths);
    EXPECT_FALSE(store.ok());
    if (store.ok()) return {};
    EXPECT_EQ(store.error().code, code) << store.error().message;
    EXPECT_EQ(testing::hash_file(paths.database), db_before);
    EXPECT_EQ(testing::hash_file(paths.key_file), key_before);
    EXPECT_FALSE(fs::exists(paths.database.string() + "-wal"));
    EXPECT_FALSE(fs::exists(paths.database.string() + "-shm"));
    EXPECT_NE(store.error().message.find(paths.database.string()), std::string::npos)
        << store.error().message;
    return store.error();
  }

  void sql(const std::string& statement) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(paths.database.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }

  TempDir dir;
  HomePaths paths;
};

TEST_F(SchemaRefusal, GarbageFile) {
  std::vector<std::uint8_t> garbage(8192);
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<std::uint8_t>(i * 7 + 3);
  testing::write_bytes(paths.database, garbage);
  const auto error = expect_refused(v1::CODE_STORE);
  EXPECT_NE(error.message.find("left untouched"), std::string::npos);
}

TEST_F(SchemaRefusal, EmptyFile) {
  testing::write_bytes(paths.database, {});
  expect_refused(v1::CODE_STORE);
}

TEST_F(SchemaRefusal, TruncatedToFirst1000Bytes) {
  auto bytes = testing::read_bytes(paths.database);
  bytes.resize(1000);
  testing::write_bytes(paths.database, bytes);
  const auto error = expect_refused(v1::CODE_STORE);
  EXPECT_NE(error.message.find("cut off"), std::string::npos);
}

TEST_F(SchemaRefusal, TruncatedToHalf) {
  auto bytes = testing::read_bytes(paths.database);
  ASSERT_GE(bytes.size(), 4u * 4096u);
  bytes.resize(bytes.size() / 2);
  testing::write_bytes(paths.database, bytes);
  const auto error = expect_refused(v1::CODE_STORE);
  EXPECT_NE(error.message.find("cut off"), std::string::npos);
}

TEST_F(SchemaRefusal, ForeignSqliteDatabase) {
  fs::remove(paths.database);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(paths.database.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA application_id = 1234; CREATE TABLE t(x); INSERT INTO t VALUES (1);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const auto error = expect_refused(v1::CODE_STORE);
  EXPECT_NE(error.message.find("not a pairspace store"), std::string::npos);
}

TEST_F(SchemaRefusal, NewerSchemaVersion) {
  sql("PRAGMA user_version = 7");
  const auto error = expect_refused(v1::CODE_STORE);
  EXPECT_NE(error.message.find("newer pairspace (schema 7; this one knows up to 1)"),
            std::string::npos)
      << error.message;
  EXPECT_NE(error.message.find("update pairspace"), std::string::npos);
}

TEST_F(SchemaRefusal, NewerSchemaVersionStillOnlyInTheWal) {
  // Another connection commits a newer version into the WAL and keeps it open, so the main
  // file's header still says 1: the check through SQLite must catch it.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open_v2(paths.database.c_str(), &other, SQLITE_OPEN_READWRITE, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = 9;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  const auto db_before = testing::hash_file(paths.database);
  auto store = Store::open(paths);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, v1::CODE_STORE);
  EXPECT_NE(store.error().message.find("schema 9"), std::string::npos) << store.error().message;
  EXPECT_EQ(testing::hash_file(paths.database), db_before);
  sqlite3_close(other);
}

TEST_F(SchemaRefusal, ZeroSchemaVersion) {
  sql("PRAGMA user_version = 0");
  expect_refused(v1::CODE_STORE);
}

TEST_F(SchemaRefusal, DamagedPageFailsTheIntegrityCheck) {
  auto bytes = testing::read_bytes(paths.database);
  const std::size_t page = 4096;
  ASSERT_GE(bytes.size(), 3 * page);
  // Scribble over the b-tree page header of page 2 (the first table's root).
  for (std::size_t i = page; i < page + 12; ++i) bytes[i] = 0xEE;
  testing::write_bytes(paths.database, bytes);
  const auto db_before = testing::hash_file(paths.database);
  auto store = Store::open(paths);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, v1::CODE_STORE);
  EXPECT_EQ(testing::hash_file(paths.database), db_before);
  // SQLite itself opened this one (its header is fine), so -wal/-shm may have existed
  // briefly; closing removes them.
  EXPECT_FALSE(fs::exists(paths.database.string() + "-wal"));
}

TEST_F(SchemaRefusal, ADirectoryInsteadOfTheFile) {
  fs::remove(paths.database);
  fs::create_directory(paths.database);
  auto store = Store::open(paths);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, v1::CODE_STORE);
}

TEST_F(SchemaRefusal, RealStoreStillOpensAfterAllThat) {
  auto store = Store::open(paths);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto all = (*store)->journal_list("", std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
}

// The migration hook: steps run in order, each in its own transaction with user_version.
Status add_column(sql::Database& db) { return db.exec("ALTER TABLE journal ADD COLUMN mood INTEGER"); }
Status failing_step(sql::Database& db) {
  (void)db.exec("CREATE TABLE half_done(x)");
  return make_error(v1::CODE_STORE, "step failed");
}

TEST(SchemaMigration, RunsStepsInOrderAndStopsAtAFailure) {
  auto db = sql::Database::open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(detail::migrate(*db, 0, 1, detail::migrations()).ok());
  EXPECT_EQ(*db->query_int("PRAGMA user_version"), 1);
  const std::array<detail::Migration, 2> steps{{{1, &add_column}, {2, &failing_step}}};
  auto st = detail::migrate(*db, 1, 3, steps);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(*db->query_int("PRAGMA user_version"), 2);  // step 1->2 kept
  EXPECT_TRUE(db->exec("SELECT mood FROM journal").ok());
  EXPECT_FALSE(db->exec("SELECT x FROM half_done").ok());  // failed step rolled back
  auto missing = detail::migrate(*db, 2, 4, std::span<const detail::Migration>(steps).first(1));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(*db->query_int("PRAGMA user_version"), 2);
}

}  // namespace
}  // namespace pairspace::store
