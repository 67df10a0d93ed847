#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/store.hpp"
#include "test_home.hpp"

namespace pairspace::store {
namespace {

using testing::at_ms;
using testing::memory_store;
using testing::TempDir;

std::vector<std::string> texts(const std::vector<v1::JournalEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.text());
  return out;
}

TEST(Journal, AddListShowInMemory) {
  auto store = memory_store();
  auto a = store->journal_add("first walk by the river", at_ms(1'000));
  auto b = store->journal_add("Second: quiet evening", at_ms(2'500));
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok());
  EXPECT_LT(a->id(), b->id());
  EXPECT_EQ(b->created_at().seconds(), 2);
  EXPECT_EQ(b->created_at().nanos(), 500'000'000);

  auto all = store->journal_list("", std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(texts(*all), (std::vector<std::string>{"first walk by the river", "Second: quiet evening"}));

  auto shown = store->journal_get(b->id());
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->text(), "Second: quiet evening");
  EXPECT_EQ(shown->created_at().seconds(), 2);
}

TEST(Journal, ListIsOldestFirstEvenWhenAddedOutOfOrder) {
  auto store = memory_store();
  ASSERT_TRUE(store->journal_add("late", at_ms(9'000)).ok());
  ASSERT_TRUE(store->journal_add("early", at_ms(1'000)).ok());
  auto all = store->journal_list("", std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(texts(*all), (std::vector<std::string>{"early", "late"}));
}

TEST(Journal, GrepIsCaseInsensitiveSubstring) {
  auto store = memory_store();
  ASSERT_TRUE(store->journal_add("Felt CALM after the call", at_ms(1)).ok());
  ASSERT_TRUE(store->journal_add("nothing much", at_ms(2)).ok());
  ASSERT_TRUE(store->journal_add("calmer today", at_ms(3)).ok());
  auto found = store->journal_list("cAlM", std::nullopt);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(texts(*found), (std::vector<std::string>{"Felt CALM after the call", "calmer today"}));
  auto none = store->journal_list("storm", std::nullopt);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(Journal, SinceIncludesTheBoundary) {
  auto store = memory_store();
  ASSERT_TRUE(store->journal_add("one", at_ms(1'000)).ok());
  ASSERT_TRUE(store->journal_add("two", at_ms(2'000)).ok());
  ASSERT_TRUE(store->journal_add("three", at_ms(3'000)).ok());
  auto since = store->journal_list("", at_ms(2'000));
  ASSERT_TRUE(since.ok());
  EXPECT_EQ(texts(*since), (std::vector<std::string>{"two", "three"}));
  auto both = store->journal_list("T", at_ms(2'001));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(texts(*both), (std::vector<std::string>{"three"}));
}

TEST(Journal, DeleteRemovesAndIdsAreNeverReused) {
  auto store = memory_store();
  auto a = store->journal_add("keep", at_ms(1));
  auto b = store->journal_add("drop", at_ms(2));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(store->journal_delete(b->id()).ok());
  auto gone = store->journal_get(b->id());
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, v1::CODE_USAGE);
  EXPECT_EQ(gone.error().message, "There is no journal entry " + std::to_string(b->id()) + ".");
  auto again = store->journal_delete(b->id());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, v1::CODE_USAGE);
  auto c = store->journal_add("new", at_ms(3));
  ASSERT_TRUE(c.ok());
  EXPECT_GT(c->id(), b->id());
  auto all = store->journal_list("", std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(texts(*all), (std::vector<std::string>{"keep", "new"}));
}

TEST(Journal, MissingIdsAreUsageErrors) {
  auto store = memory_store();
  for (std::uint64_t id : {std::uint64_t{0}, std::uint64_t{7}, ~std::uint64_t{0}}) {
    auto got = store->journal_get(id);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, v1::CODE_USAGE);
    EXPECT_EQ(store->journal_delete(id).error().code, v1::CODE_USAGE);
  }
}

TEST(Journal, RejectsEmptyOversizeAndInvalidText) {
  auto store = memory_store();
  EXPECT_EQ(store->journal_add("", at_ms(1)).error().code, v1::CODE_USAGE);
  EXPECT_EQ(store->journal_add(std::string(64 * 1024 + 1, 'a'), at_ms(1)).error().code,
            v1::CODE_USAGE);
  EXPECT_EQ(store->journal_add("bad \xff byte", at_ms(1)).error().code, v1::CODE_USAGE);
  EXPECT_EQ(store->journal_add("\xed\xa0\x80", at_ms(1)).error().code, v1::CODE_USAGE);  // surrogate
  EXPECT_TRUE(store->journal_add("caf\xc3\xa9 \xf0\x9f\x8c\xbf", at_ms(1)).ok());
  EXPECT_TRUE(store->journal_add(std::string(64 * 1024, 'a'), at_ms(1)).ok());
  auto all = store->journal_list("", std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST(Journal, PersistsAcrossReopen) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  ASSERT_TRUE(init_home(paths.home, {}, at_ms(1)).ok());
  std::uint64_t id = 0;
  {
    auto store = Store::open(paths);
    ASSERT_TRUE(store.ok());
    auto e = (*store)->journal_add("remember the lake", at_ms(10));
    ASSERT_TRUE(e.ok());
    id = e->id();
  }
  auto store = Store::open(paths);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto e = (*store)->journal_get(id);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->text(), "remember the lake");
}

// Reads a row's sealed bytes through a second, read-only connection.
std::vector<std::uint8_t> raw_sealed(const fs::path& db_path, std::uint64_t id) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT sealed FROM journal WHERE id = ?", -1, &stmt, nullptr),
            SQLITE_OK);
  sqlite3_bind_int64(stmt, 1, static_cast<sqlite3_int64>(id));
  std::vector<std::uint8_t> out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, 0));
    out.assign(p, p + sqlite3_column_bytes(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST(Journal, NoWordReachesTheDiskAndDeletedCiphertextIsGone) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  ASSERT_TRUE(init_home(paths.home, InitOptions{"Zephyrine's phone", std::nullopt}, at_ms(1)).ok());
  const std::vector<std::string> words = {"Quetzalcoatl", "marmalade-sky", "Zephyrine",
                                          "ultraviolet"};
  const fs::path wal = paths.database.string() + "-wal";
  std::vector<std::uint8_t> deleted_box;
  {
    auto store = Store::open(paths);
    ASSERT_TRUE(store.ok());
    std::vector<std::uint64_t> ids;
    for (std::size_t i = 0; i < words.size(); ++i) {
      auto e = (*store)->journal_add("today: " + words[i] + " and more", at_ms(100 + static_cast<std::int64_t>(i)));
      ASSERT_TRUE(e.ok());
      ids.push_back(e->id());
    }
    deleted_box = raw_sealed(paths.database, ids[1]);
    ASSERT_GT(deleted_box.size(), 40u);
    // Before deleting, the ciphertext is on disk (main file or WAL).
    EXPECT_TRUE(testing::file_contains(paths.database, deleted_box) ||
                testing::file_contains(wal, deleted_box));
    ASSERT_TRUE((*store)->journal_delete(ids[1]).ok());
    // Checkpointed and truncated right away, while the store is still open.
    EXPECT_FALSE(testing::file_contains(paths.database, deleted_box));
    EXPECT_FALSE(testing::file_contains(wal, deleted_box));
    for (const auto& w : words) {
      EXPECT_FALSE(testing::file_contains(paths.database, w)) << w;
      EXPECT_FALSE(testing::file_contains(wal, w)) << w;
    }
  }
  for (const auto& w : words) {
    EXPECT_FALSE(testing::file_contains(paths.database, w)) << w;
    EXPECT_FALSE(testing::file_contains(wal, w)) << w;
    EXPECT_FALSE(testing::file_contains(paths.key_file, w)) << w;
  }
  EXPECT_FALSE(testing::file_contains(paths.database, deleted_box));
  EXPECT_FALSE(testing::file_contains(wal, deleted_box));
}

TEST(Journal, SwappedCiphertextsDoNotOpen) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  ASSERT_TRUE(init_home(paths.home, {}, at_ms(1)).ok());
  {
    auto store = Store::open(paths);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->journal_add("alpha", at_ms(10)).ok());
    ASSERT_TRUE((*store)->journal_add("beta", at_ms(10)).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(paths.database.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE journal SET sealed = (SELECT sealed FROM journal WHERE id = 1) "
                         "WHERE id = 2",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = Store::open(paths);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->journal_get(1).ok());
  auto swapped = (*store)->journal_get(2);
  ASSERT_FALSE(swapped.ok());
  EXPECT_EQ(swapped.error().code, v1::CODE_STORE);
  EXPECT_EQ((*store)->journal_list("", std::nullopt).error().code, v1::CODE_STORE);
}

}  // namespace
}  // namespace pairspace::store
