// The pinned partner, the session replay counters and forgetting both.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "crypto/identity_keys.hpp"
#include "store/store.hpp"
#include "test_home.hpp"

namespace pairspace::store {
namespace {

using testing::at_ms;
using testing::memory_store;
using testing::TempDir;

Partner make_partner(std::string name, std::string address) {
  const auto keys = crypto::generate_identity_keys();
  Partner p;
  p.name = std::move(name);
  p.sign_public = keys.sign_public;
  p.dh_public = keys.dh_public;
  p.address = std::move(address);
  p.safety_number = "01234 56789 13579 24680 11223 34455 66778 89900";
  p.paired_at = at_ms(1'700'000'000'123);
  return p;
}

void expect_same(const Partner& got, const Partner& want) {
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.device_id, crypto::device_id_of(want.sign_public));
  EXPECT_EQ(got.sign_public, want.sign_public);
  EXPECT_EQ(got.dh_public, want.dh_public);
  EXPECT_EQ(got.address, want.address);
  EXPECT_EQ(got.safety_number, want.safety_number);
  EXPECT_EQ(got.paired_at, want.paired_at);
  EXPECT_EQ(got.last_seen, want.last_seen);
}

std::vector<std::uint8_t> bytes_of(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

// One column of the partner row, read through a second, read-only connection.
std::vector<std::uint8_t> raw_column(const fs::path& db_path, const char* column) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = std::string("SELECT ") + column + " FROM partner WHERE id = 1";
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  std::vector<std::uint8_t> out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, 0));
    out.assign(p, p + sqlite3_column_bytes(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

std::int64_t raw_count(const fs::path& db_path, const char* table) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = std::string("SELECT count(*) FROM ") + table;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  std::int64_t n = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

TEST(Partner, RoundTripInMemory) {
  auto store = memory_store();
  auto none = store->partner();
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_FALSE(none->has_value());

  auto p = make_partner("Río's tablet", "192.0.2.7:7443");
  ASSERT_TRUE(store->set_partner(p).ok());
  auto got = store->partner();
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_TRUE(got->has_value());
  expect_same(**got, p);
  EXPECT_EQ((*got)->device_id.size(), 29u);

  // An empty address and a last_seen given at pairing are kept as they are.
  auto store2 = memory_store();
  auto q = make_partner("Q", "");
  q.device_id = crypto::device_id_of(q.sign_public);  // a matching id is accepted
  q.last_seen = at_ms(42);
  ASSERT_TRUE(store2->set_partner(q).ok());
  auto got_q = store2->partner();
  ASSERT_TRUE(got_q.ok() && got_q->has_value());
  expect_same(**got_q, q);
}

TEST(Partner, RoundTripAcrossReopenWithUpdates) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  ASSERT_TRUE(init_home(paths.home, {}, at_ms(1)).ok());
  auto p = make_partner("Ana's laptop", "ana.example:7443");
  {
    auto store = Store::open(paths);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->set_partner(p).ok());
  }
  {
    auto store = Store::open(paths);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto got = (*store)->partner();
    ASSERT_TRUE(got.ok() && got->has_value());
    expect_same(**got, p);
    ASSERT_TRUE((*store)->set_partner_last_seen(at_ms(1'700'000'555'001)).ok());
    ASSERT_TRUE((*store)->set_partner_address("[2001:db8::1]:7443").ok());
  }
  auto store = Store::open(paths);
  ASSERT_TRUE(store.ok());
  auto got = (*store)->partner();
  ASSERT_TRUE(got.ok() && got->has_value());
  p.address = "[2001:db8::1]:7443";
  p.last_seen = at_ms(1'700'000'555'001);
  expect_same(**got, p);
}

TEST(Partner, SecondSetIsRefusedAndChangesNothing) {
  auto store = memory_store();
  const auto first = make_partner("First", "a:1");
  ASSERT_TRUE(store->set_partner(first).ok());
  ASSERT_TRUE(store->set_last_accepted_session_ts(77).ok());
  auto again = store->set_partner(make_partner("Second", "b:2"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, v1::CODE_REFUSED);
  EXPECT_NE(again.error().message.find("already has a partner"), std::string::npos);
  EXPECT_NE(again.error().message.find("pairspace peer forget"), std::string::npos);
  EXPECT_EQ(store->set_partner(first).error().code, v1::CODE_REFUSED);  // even the same one
  auto got = store->partner();
  ASSERT_TRUE(got.ok() && got->has_value());
  expect_same(**got, first);
  EXPECT_EQ(*store->last_accepted_session_ts(), 77u);
}

TEST(Partner, BadFieldsAreUsageErrorsAndStoreNothing) {
  auto store = memory_store();
  auto self = store->identity();
  ASSERT_TRUE(self.ok());
  std::vector<Partner> bad(9, make_partner("ok", "h:1"));
  bad[0].name = "";
  bad[1].name = std::string(101, 'n');
  bad[2].name = "bad \xff";
  bad[3].sign_public = {};
  bad[4].dh_public = {};
  bad[5].device_id = "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA";
  bad[6].address = std::string(301, 'a');
  bad[7].sign_public = self->sign_public;  // this device itself
  bad[8].safety_number = std::string(101, '1');
  for (std::size_t i = 0; i < bad.size(); ++i) {
    auto st = store->set_partner(bad[i]);
    ASSERT_FALSE(st.ok()) << i;
    EXPECT_EQ(st.error().code, v1::CODE_USAGE) << i;
  }
  EXPECT_FALSE(store->partner()->has_value());
  auto edge = make_partner(std::string(100, 'n'), std::string(300, 'a'));
  EXPECT_TRUE(store->set_partner(edge).ok());
  EXPECT_EQ(store->set_partner_address(std::string(301, 'a')).error().code, v1::CODE_USAGE);
  EXPECT_EQ((*store->partner())->address, std::string(300, 'a'));
}

TEST(Partner, UpdatesNeedAPartnerAndKeepTheOtherField) {
  auto store = memory_store();
  auto addr = store->set_partner_address("h:1");
  ASSERT_FALSE(addr.ok());
  EXPECT_EQ(addr.error().code, v1::CODE_NOT_READY);
  EXPECT_NE(addr.error().message.find("not paired"), std::string::npos);
  EXPECT_EQ(store->set_partner_last_seen(at_ms(5)).error().code, v1::CODE_NOT_READY);

  auto p = make_partner("P", "old:1");
  ASSERT_TRUE(store->set_partner(p).ok());
  ASSERT_TRUE(store->set_partner_last_seen(at_ms(10)).ok());
  ASSERT_TRUE(store->set_partner_address("new:2").ok());
  auto got = store->partner();
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->address, "new:2");
  EXPECT_EQ((*got)->last_seen, at_ms(10));
  ASSERT_TRUE(store->set_partner_last_seen(at_ms(20)).ok());
  ASSERT_TRUE(store->set_partner_address("").ok());
  got = store->partner();
  EXPECT_EQ((*got)->address, "");
  EXPECT_EQ((*got)->last_seen, at_ms(20));
  EXPECT_EQ((*got)->name, "P");
  EXPECT_EQ((*got)->sign_public, p.sign_public);
}

TEST(Partner, ReplayCountersAreMonotonic) {
  auto store = memory_store();
  // Not paired: nothing to guard, nothing to send.
  EXPECT_EQ(*store->last_accepted_session_ts(), 0u);
  EXPECT_EQ(store->set_last_accepted_session_ts(5).error().code, v1::CODE_NOT_READY);
  EXPECT_EQ(store->next_session_ts(5).error().code, v1::CODE_NOT_READY);

  ASSERT_TRUE(store->set_partner(make_partner("P", "")).ok());
  EXPECT_EQ(*store->last_accepted_session_ts(), 0u);
  EXPECT_EQ(store->set_last_accepted_session_ts(0).error().code, v1::CODE_REFUSED);
  ASSERT_TRUE(store->set_last_accepted_session_ts(1'000).ok());
  EXPECT_EQ(*store->last_accepted_session_ts(), 1'000u);
  auto same = store->set_last_accepted_session_ts(1'000);
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.error().code, v1::CODE_REFUSED);
  EXPECT_NE(same.error().message.find("replay"), std::string::npos);
  EXPECT_EQ(store->set_last_accepted_session_ts(999).error().code, v1::CODE_REFUSED);
  EXPECT_EQ(store->set_last_accepted_session_ts(~std::uint64_t{0}).error().code,
            v1::CODE_REFUSED);
  EXPECT_EQ(*store->last_accepted_session_ts(), 1'000u);
  ASSERT_TRUE(store->set_last_accepted_session_ts(1'001).ok());
  EXPECT_EQ(*store->last_accepted_session_ts(), 1'001u);

  EXPECT_EQ(*store->next_session_ts(5'000), 5'000u);
  EXPECT_EQ(*store->next_session_ts(5'000), 5'001u);  // same millisecond
  EXPECT_EQ(*store->next_session_ts(4'000), 5'002u);  // clock stepped back
  EXPECT_EQ(*store->next_session_ts(9'000), 9'000u);
  EXPECT_EQ(*store->last_accepted_session_ts(), 1'001u);  // the two counters are separate
}

TEST(Partner, ReplayCountersPersistAcrossReopen) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  ASSERT_TRUE(init_home(paths.home, {}, at_ms(1)).ok());
  {
    auto store = Store::open(paths);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->set_partner(make_partner("P", "h:1")).ok());
    ASSERT_TRUE((*store)->set_last_accepted_session_ts(123'456).ok());
    ASSERT_EQ(*(*store)->next_session_ts(200'000), 200'000u);
  }
  auto store = Store::open(paths);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->last_accepted_session_ts(), 123'456u);
  EXPECT_EQ((*store)->set_last_accepted_session_ts(123'456).error().code, v1::CODE_REFUSED);
  EXPECT_EQ(*(*store)->next_session_ts(0), 200'001u);
}

TEST(Partner, ForgetDropsPartnerAndCountersButKeepsTheRest) {
  auto store = memory_store();
  const auto me = store->identity();
  ASSERT_TRUE(me.ok());
  ASSERT_TRUE(store->journal_add("stays", at_ms(3)).ok());
  EXPECT_EQ(store->forget_partner().error().code, v1::CODE_NOT_READY);  // nothing to forget

  ASSERT_TRUE(store->set_partner(make_partner("Gone", "g:1")).ok());
  ASSERT_TRUE(store->set_last_accepted_session_ts(50).ok());
  ASSERT_EQ(*store->next_session_ts(60), 60u);
  ASSERT_TRUE(store->forget_partner().ok());
  EXPECT_FALSE(store->partner()->has_value());
  EXPECT_EQ(*store->last_accepted_session_ts(), 0u);
  EXPECT_EQ(store->set_partner_address("g:2").error().code, v1::CODE_NOT_READY);
  EXPECT_EQ(store->next_session_ts(1).error().code, v1::CODE_NOT_READY);
  EXPECT_EQ(store->forget_partner().error().code, v1::CODE_NOT_READY);

  auto again = store->identity();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->sign_public, me->sign_public);
  EXPECT_EQ(store->journal_list("", std::nullopt)->size(), 1u);

  // A new pairing starts with fresh counters.
  const auto next = make_partner("Next", "n:1");
  ASSERT_TRUE(store->set_partner(next).ok());
  expect_same(**store->partner(), next);
  EXPECT_EQ(*store->last_accepted_session_ts(), 0u);
  EXPECT_EQ(*store->next_session_ts(1), 1u);
}

TEST(Partner, ForgetLeavesNothingOfThePartnerInTheFiles) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  ASSERT_TRUE(init_home(paths.home, {}, at_ms(1)).ok());
  const fs::path wal = paths.database.string() + "-wal";
  const auto p = make_partner("Xanthippe-Quokka", "quokka-host.example:7443");
  const auto sign_public = bytes_of(p.sign_public);
  const auto dh_public = bytes_of(p.dh_public);
  std::vector<std::vector<std::uint8_t>> boxes;
  auto on_disk = [&](const std::vector<std::uint8_t>& b) {
    return testing::file_contains(paths.database, b) || testing::file_contains(wal, b);
  };
  {
    auto store = Store::open(paths);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->journal_add("a journal entry that stays", at_ms(2)).ok());
    ASSERT_TRUE((*store)->set_partner(p).ok());
    boxes.push_back(raw_column(paths.database, "contact"));  // before the update below
    ASSERT_TRUE((*store)->set_partner_last_seen(at_ms(99)).ok());
    ASSERT_TRUE((*store)->set_last_accepted_session_ts(1'234).ok());
    boxes.push_back(raw_column(paths.database, "sealed"));
    boxes.push_back(raw_column(paths.database, "contact"));
    boxes.push_back(raw_column(paths.database, "pairing_id"));
    for (const auto& b : boxes) {
      ASSERT_GE(b.size(), 16u);
      EXPECT_TRUE(on_disk(b));  // the scan below would notice them
    }
    // Sealed from the start: no clear field ever reaches the files.
    EXPECT_FALSE(on_disk(sign_public));
    EXPECT_FALSE(on_disk(dh_public));

    ASSERT_TRUE((*store)->forget_partner().ok());
    EXPECT_TRUE((*store)->warnings().empty());
    for (const auto& b : boxes) EXPECT_FALSE(on_disk(b));  // wiped while still open
  }
  EXPECT_EQ(raw_count(paths.database, "partner"), 0);
  EXPECT_EQ(raw_count(paths.database, "session_replay"), 0);
  for (const auto& file : {paths.database, wal}) {
    for (const auto& b : boxes) EXPECT_FALSE(testing::file_contains(file, b)) << file;
    EXPECT_FALSE(testing::file_contains(file, sign_public)) << file;
    EXPECT_FALSE(testing::file_contains(file, dh_public)) << file;
    EXPECT_FALSE(testing::file_contains(file, "Xanthippe")) << file;
    EXPECT_FALSE(testing::file_contains(file, "quokka-host")) << file;
    EXPECT_FALSE(testing::file_contains(file, p.safety_number)) << file;
  }
  auto store = Store::open(paths);
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE((*store)->partner()->has_value());
  EXPECT_EQ((*store)->journal_list("", std::nullopt)->size(), 1u);
}

TEST(Partner, TamperedRowDoesNotOpen) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  ASSERT_TRUE(init_home(paths.home, {}, at_ms(1)).ok());
  {
    auto store = Store::open(paths);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->set_partner(make_partner("P", "h:1")).ok());
  }
  for (const char* edit : {"UPDATE partner SET pairing_id = zeroblob(16)",
                           "UPDATE partner SET sealed = contact"}) {
    const auto before = testing::read_bytes(paths.database);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(paths.database.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, edit, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    auto store = Store::open(paths);
    ASSERT_TRUE(store.ok());
    auto got = (*store)->partner();
    ASSERT_FALSE(got.ok()) << edit;
    EXPECT_EQ(got.error().code, v1::CODE_STORE);
    if (std::string_view(edit).find("pairing_id") != std::string_view::npos) {
      // The contact box is bound to the pairing id as well.
      EXPECT_EQ((*store)->set_partner_address("x:1").error().code, v1::CODE_STORE);
    }
    store->reset();
    testing::write_bytes(paths.database, before);
  }
}

TEST(Partner, LockedStoreIsNotReady) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  const std::string pw = "a passphrase";
  ASSERT_TRUE(init_home(paths.home,
                        InitOptions{"L", crypto::SecureBytes(std::span<const std::uint8_t>(
                                             reinterpret_cast<const std::uint8_t*>(pw.data()),
                                             pw.size()))},
                        at_ms(1))
                  .ok());
  auto opened = Store::open(paths);
  ASSERT_TRUE(opened.ok());
  auto& store = **opened;
  ASSERT_TRUE(store.locked());
  EXPECT_EQ(store.partner().error().code, v1::CODE_NOT_READY);
  EXPECT_EQ(store.set_partner(make_partner("P", "")).error().code, v1::CODE_NOT_READY);
  EXPECT_EQ(store.set_partner_address("h:1").error().code, v1::CODE_NOT_READY);
  EXPECT_EQ(store.set_partner_last_seen(at_ms(1)).error().code, v1::CODE_NOT_READY);
  EXPECT_EQ(store.forget_partner().error().code, v1::CODE_NOT_READY);
  EXPECT_EQ(store.last_accepted_session_ts().error().code, v1::CODE_NOT_READY);
  EXPECT_EQ(store.set_last_accepted_session_ts(1).error().code, v1::CODE_NOT_READY);
  EXPECT_EQ(store.next_session_ts(1).error().code, v1::CODE_NOT_READY);
  EXPECT_NE(store.partner().error().message.find("unlock"), std::string::npos);
}

}  // namespace
}  // namespace pairspace::store
