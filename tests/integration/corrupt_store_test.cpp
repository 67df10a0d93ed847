// Issue "Foundation", test 3: damaged or foreign homes fail cleanly and are left alone.
#include <fstream>
#include <functional>
#include <random>

#include "harness.hpp"

namespace pairspace::itest {
namespace {

class CorruptStore : public PairspaceTest {
 protected:
  // Breaks the home with `damage`, then checks `daemon start` refuses clearly and
  // touches nothing.
  void expect_clean_refusal(const std::function<void()>& damage) {
    init_home();
    damage();
    const auto db_before = read_file(home / "store.db");
    const bool had_db = fs::exists(home / "store.db");

    auto r = cli({"daemon", "start", "--listen", "127.0.0.1:0"});
    EXPECT_TRUE(r.exit_code == 5 || r.exit_code == 3) << r.describe();
    EXPECT_FALSE(r.err.empty()) << r.describe();
    EXPECT_FALSE(looks_like_crash(r.out + r.err)) << r.describe();
    EXPECT_FALSE(contains(r.out, "is running")) << r.describe();

    EXPECT_EQ(fs::exists(home / "store.db"), had_db);
    EXPECT_TRUE(read_file(home / "store.db") == db_before) << "store.db changed";
    const auto log = read_file(home / "daemon.log");
    EXPECT_FALSE(looks_like_crash(log)) << log;

    auto status = cli({"daemon", "status"});
    EXPECT_EQ(status.exit_code, 2) << "no daemon should be left running\n" << status.describe();
  }

  void write_file(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }

  void checkpoint_away_wal() {
    // Fold any WAL into the main file so damage to store.db is damage to the store.
    auto r = run_process({"sqlite3", (home / "store.db").string(), "PRAGMA wal_checkpoint(TRUNCATE);"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }
};

TEST_F(CorruptStore, TruncatedDatabase) {
  expect_clean_refusal([&] {
    checkpoint_away_wal();
    const auto size = fs::file_size(home / "store.db");
    ASSERT_GT(size, 200u);
    fs::resize_file(home / "store.db", size / 2);
    fs::remove(home / "store.db-wal");
    fs::remove(home / "store.db-shm");
  });
}

TEST_F(CorruptStore, TruncatedToAFewBytes) {
  expect_clean_refusal([&] {
    checkpoint_away_wal();
    fs::resize_file(home / "store.db", 50);
    fs::remove(home / "store.db-wal");
    fs::remove(home / "store.db-shm");
  });
}

TEST_F(CorruptStore, GarbageDatabase) {
  expect_clean_refusal([&] {
    std::mt19937 rng(42);
    std::string garbage(16384, '\0');
    for (auto& ch : garbage) ch = static_cast<char>(rng() & 0xFFU);
    write_file(home / "store.db", garbage);
    fs::remove(home / "store.db-wal");
    fs::remove(home / "store.db-shm");
  });
}

TEST_F(CorruptStore, ForeignSqliteDatabase) {
  expect_clean_refusal([&] {
    fs::remove(home / "store.db");
    fs::remove(home / "store.db-wal");
    fs::remove(home / "store.db-shm");
    auto r = run_process({"sqlite3", (home / "store.db").string(),
                          "CREATE TABLE recipes(name TEXT); INSERT INTO recipes VALUES('soup');"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  });
}

TEST_F(CorruptStore, MissingKeyFile) {
  expect_clean_refusal([&] {
    ASSERT_TRUE(fs::exists(home / "key"));
    fs::remove(home / "key");
  });
}

TEST_F(CorruptStore, NewerSchemaVersion) {
  expect_clean_refusal([&] {
    auto r = run_process({"sqlite3", (home / "store.db").string(), "PRAGMA user_version = 9999;"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    checkpoint_away_wal();
  });
}

}  // namespace
}  // namespace pairspace::itest
