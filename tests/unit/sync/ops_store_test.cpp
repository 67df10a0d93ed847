// src/store/ops.cpp: the op rows (kept with the sync tests, which own that table).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "../store/test_home.hpp"
#include "store/store.hpp"
#include "sync/op_log.hpp"
#include "test_support.hpp"

namespace pairspace::sync {
namespace {

using namespace testing;
using store::OpAuthor;
using store::StoredOp;
using store::testing::file_contains;
using store::testing::TempDir;

constexpr std::string_view secret_note = "a note only the two of us know";

struct FileDevice {
  TempDir dir;
  store::HomePaths paths = store::HomePaths::of(dir.path() / "home");
  std::unique_ptr<store::Store> store;
  FileDevice() {
    store::InitOptions options;
    options.name = "alice";
    EXPECT_TRUE(store::init_home(paths.home, std::move(options), test_now).ok());
    reopen();
  }
  void reopen() {
    store.reset();
    auto s = store::Store::open(paths);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store = std::move(*s);
  }
  void sql(const std::string& statement) {
    store.reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(paths.database.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
    reopen();
  }
};

std::vector<StoredOp> rows(std::initializer_list<std::pair<OpAuthor, std::uint64_t>> keys) {
  std::vector<StoredOp> out;
  for (const auto& [author, seq] : keys) {
    out.push_back(StoredOp{author, seq, seq * 10, std::string(secret_note) + std::to_string(seq)});
  }
  return out;
}

TEST(StoreOps, RoundTripInAuthorThenSeqOrder) {
  auto d = paired_devices();
  auto& s = *d.a_store;
  ASSERT_TRUE(s.append_ops(rows({{OpAuthor::partner, 1}, {OpAuthor::self, 1}})).ok());
  ASSERT_TRUE(s.append_ops(rows({{OpAuthor::self, 2}})).ok());
  auto loaded = s.load_ops();
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 3u);
  EXPECT_EQ((*loaded)[0].author, OpAuthor::self);
  EXPECT_EQ((*loaded)[1].seq, 2u);
  EXPECT_EQ((*loaded)[1].lamport, 20u);
  EXPECT_EQ((*loaded)[1].signed_op, std::string(secret_note) + "2");
  EXPECT_EQ((*loaded)[2].author, OpAuthor::partner);
  auto heads = s.op_heads();
  ASSERT_TRUE(heads.ok());
  EXPECT_EQ(heads->self, 2u);
  EXPECT_EQ(heads->partner, 1u);
}

TEST(StoreOps, ABatchIsAllOrNothing) {
  auto d = paired_devices();
  auto& s = *d.a_store;
  ASSERT_TRUE(s.append_ops(rows({{OpAuthor::self, 1}})).ok());
  EXPECT_FALSE(s.append_ops(rows({{OpAuthor::self, 2}, {OpAuthor::self, 3}, {OpAuthor::self, 1}})).ok());
  auto zero = rows({{OpAuthor::self, 2}});
  zero[0].lamport = 0;
  EXPECT_EQ(s.append_ops(zero).error().code, v1::CODE_STORE);
  auto huge = rows({{OpAuthor::self, 2}});
  huge[0].seq = std::uint64_t{1} << 63;
  EXPECT_EQ(s.append_ops(huge).error().code, v1::CODE_STORE);
  EXPECT_EQ(s.load_ops()->size(), 1u);
}

// One author's rows, one at a time, by seq either way, within a seq range.
TEST(StoreOps, CursorsReadOneAuthorsRangeEitherWay) {
  auto d = paired_devices();
  auto& s = *d.a_store;
  ASSERT_TRUE(s.append_ops(rows({{OpAuthor::self, 1}, {OpAuthor::self, 2}, {OpAuthor::self, 3},
                                 {OpAuthor::partner, 1}, {OpAuthor::partner, 2}})).ok());
  const auto seqs = [&](OpAuthor author, std::uint64_t first, std::uint64_t last, bool newest_first) {
    std::vector<std::uint64_t> out;
    auto cursor = s.read_ops(author, first, last, newest_first);
    EXPECT_TRUE(cursor.ok());
    for (int guard = 0; guard < 10; ++guard) {
      auto row = cursor->next();
      EXPECT_TRUE(row.ok());
      if (!row.ok() || !*row) break;
      EXPECT_EQ((*row)->author, author);
      EXPECT_EQ((*row)->lamport, (*row)->seq * 10);
      EXPECT_EQ((*row)->signed_op, std::string(secret_note) + std::to_string((*row)->seq));
      out.push_back((*row)->seq);
    }
    EXPECT_FALSE(*cursor->next());  // stays at the end
    return out;
  };
  EXPECT_EQ(seqs(OpAuthor::self, 1, UINT64_MAX, false), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(seqs(OpAuthor::self, 2, 3, true), (std::vector<std::uint64_t>{3, 2}));
  EXPECT_EQ(seqs(OpAuthor::partner, 1, 1, false), (std::vector<std::uint64_t>{1}));
  EXPECT_TRUE(seqs(OpAuthor::partner, 3, 9, false).empty());
  EXPECT_TRUE(seqs(OpAuthor::self, 3, 2, false).empty());
  auto alone = memory_store("alone");
  auto none = alone->read_ops(OpAuthor::self, 1, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none->next());
}

TEST(StoreOps, NeedAPartner) {
  auto alone = memory_store("alone");
  EXPECT_EQ(alone->append_ops(rows({{OpAuthor::self, 1}})).error().code, v1::CODE_NOT_READY);
  EXPECT_TRUE(alone->load_ops()->empty());
}

TEST(StoreOps, BodiesAreSealedAndBoundToTheirRow) {
  FileDevice dev;
  auto other = memory_store("bob");
  ASSERT_TRUE(dev.store->set_partner(partner_from(*other->identity())).ok());
  ASSERT_TRUE(dev.store->append_ops(rows({{OpAuthor::self, 1}, {OpAuthor::self, 2}})).ok());
  dev.reopen();  // closing checkpoints the WAL into the file
  EXPECT_EQ(dev.store->load_ops()->size(), 2u);
  EXPECT_FALSE(file_contains(dev.paths.database, secret_note));
  EXPECT_FALSE(file_contains(dev.paths.database.string() + "-wal", secret_note));

  // A clear column edited by hand no longer matches the box's associated data.
  dev.sql("UPDATE ops SET lamport = 11 WHERE seq = 1");
  auto edited = dev.store->load_ops();
  ASSERT_FALSE(edited.ok());
  EXPECT_EQ(edited.error().code, v1::CODE_STORE);
  dev.sql("UPDATE ops SET lamport = 10 WHERE seq = 1");
  ASSERT_TRUE(dev.store->load_ops().ok());
  // Boxes swapped between rows do not open either.
  dev.sql("UPDATE ops SET sealed = (SELECT sealed FROM ops WHERE seq = 2), lamport = 20 WHERE seq = 1");
  EXPECT_EQ(dev.store->load_ops().error().code, v1::CODE_STORE);
  auto cursor = dev.store->read_ops(OpAuthor::self, 1, 2);
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(cursor->next().error().code, v1::CODE_STORE);
}

TEST(StoreOps, ForgetPartnerWipesTheOpsFromTheFiles) {
  FileDevice dev;
  auto other = memory_store("bob");
  ASSERT_TRUE(dev.store->set_partner(partner_from(*other->identity())).ok());
  ASSERT_TRUE(dev.store->append_ops(rows({{OpAuthor::self, 1}, {OpAuthor::partner, 1}})).ok());
  // The sealed boxes as they sit in the file.
  std::vector<std::vector<std::uint8_t>> boxes;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(dev.paths.database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT sealed FROM ops", -1, &stmt, nullptr), SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, 0));
      boxes.emplace_back(p, p + sqlite3_column_bytes(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
  }
  ASSERT_EQ(boxes.size(), 2u);
  ASSERT_TRUE(dev.store->forget_partner().ok());
  for (const auto& box : boxes) {
    EXPECT_FALSE(file_contains(dev.paths.database, box));
    EXPECT_FALSE(file_contains(dev.paths.database.string() + "-wal", box));
  }
  EXPECT_TRUE(dev.store->load_ops()->empty());
  EXPECT_EQ(dev.store->op_heads()->self, 0u);
}

}  // namespace
}  // namespace pairspace::sync
