// Inputs the daemon_fuzz target ran into (tests/fuzz/corpus/daemon/regression-*).
#include "crypto/identity_keys.hpp"
#include "daemon/handlers.hpp"
#include "handlers_fixture.hpp"
#include "sync/op_codec.hpp"

namespace pairspace::daemon::test {
namespace {

constexpr std::int64_t far_seconds = 10'000'000'000;  // in the year 2286

// A device paired with a partner that exists only as keys: shared requests work, and nothing
// is ever dialed (the partnership is never loaded).
std::unique_ptr<store::Store> paired_store() {
  auto store = store::Store::open_in_memory("Ana", std::chrono::system_clock::now()).value();
  const auto partner_keys = crypto::generate_identity_keys();
  store::Partner partner;
  partner.name = "Ben";
  partner.sign_public = partner_keys.sign_public;
  partner.dh_public = partner_keys.dh_public;
  partner.safety_number = "12345 67890";
  partner.paired_at = std::chrono::system_clock::now();
  EXPECT_TRUE(store->set_partner(partner).ok());
  return store;
}

// A control request's Timestamp past 2262 (or before 1677) overflowed the nanosecond clock
// when converted (undefined behaviour; in practice a garbage time). Times are now held to
// the years ops can carry: --until far away means "until 2200", --since far away "nothing".
TEST_F(HandlersTest, SpaceNeedUntilFarAwayStopsAt2200) {
  use_store(paired_store());
  v1::Request need;
  need.mutable_space_need()->set_kind(v1::SPACE_KIND_ALONE);
  need.mutable_space_need()->mutable_until()->set_seconds(far_seconds);
  const v1::Response reply = handle(need).response;
  ASSERT_EQ(reply.code(), v1::CODE_OK) << reply.message();

  const v1::Response status = handle(status_request()).response;
  ASSERT_EQ(status.code(), v1::CODE_OK);
  ASSERT_TRUE(status.daemon_status().me().has_until());
  EXPECT_EQ(status.daemon_status().me().until().seconds(), sync::max_time_ms / 1000);
}

TEST_F(HandlersTest, JournalSinceFarAwayListsNothingAndLongAgoListsAll) {
  use_store(paired_store());
  v1::Request add;
  add.mutable_journal_add()->set_text("walked by the river");
  ASSERT_EQ(handle(add).response.code(), v1::CODE_OK);

  v1::Request list;
  list.mutable_journal_list()->mutable_since()->set_seconds(far_seconds);
  v1::Response reply = handle(list).response;
  ASSERT_EQ(reply.code(), v1::CODE_OK) << reply.message();
  EXPECT_EQ(reply.journal_entries().entries_size(), 0);

  list.mutable_journal_list()->mutable_since()->set_seconds(-far_seconds);
  reply = handle(list).response;
  ASSERT_EQ(reply.code(), v1::CODE_OK) << reply.message();
  EXPECT_EQ(reply.journal_entries().entries_size(), 1);
}

}  // namespace
}  // namespace pairspace::daemon::test
