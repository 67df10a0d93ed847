#include "daemon/handlers.hpp"

#include "handlers_fixture.hpp"

namespace pairspace::daemon::test {
namespace {

v1::Request add(std::string text) {
  v1::Request request;
  request.mutable_journal_add()->set_text(std::move(text));
  return request;
}
v1::Request unlock(std::string passphrase) {
  v1::Request request;
  request.mutable_unlock()->set_passphrase(std::move(passphrase));
  return request;
}

TEST_F(HandlersTest, JournalRoundTrip) {
  use_store(store::Store::open_in_memory("Ana", std::chrono::system_clock::now()).value());
  auto added = handle(add("walked by the river")).response;
  ASSERT_EQ(added.code(), v1::CODE_OK) << added.message();
  const auto id = added.journal_entry().id();

  v1::Request list;
  list.mutable_journal_list()->set_grep("RIVER");
  auto listed = handle(list).response;
  ASSERT_EQ(listed.code(), v1::CODE_OK);
  ASSERT_EQ(listed.journal_entries().entries_size(), 1);
  EXPECT_EQ(listed.journal_entries().entries(0).text(), "walked by the river");

  v1::Request show;
  show.mutable_journal_show()->set_id(id);
  EXPECT_EQ(handle(show).response.journal_entry().text(), "walked by the river");

  v1::Request del;
  del.mutable_journal_delete()->set_id(id);
  EXPECT_EQ(handle(del).response.code(), v1::CODE_OK);
  EXPECT_NE(handle(show).response.code(), v1::CODE_OK);
}

TEST_F(HandlersTest, EmptyJournalEntryIsAUsageError) {
  use_store(store::Store::open_in_memory("Ana", std::chrono::system_clock::now()).value());
  EXPECT_EQ(handle(add("")).response.code(), v1::CODE_USAGE);
}

TEST_F(HandlersTest, StopAsksForShutdownAfterTheReply) {
  use_store(store::Store::open_in_memory("Ana", std::chrono::system_clock::now()).value());
  v1::Request stop;
  stop.mutable_stop();
  const Reply reply = handle(stop);
  EXPECT_EQ(reply.response.code(), v1::CODE_OK);
  EXPECT_TRUE(reply.shutdown_after);
  EXPECT_FALSE(handle(status_request()).shutdown_after);
}

TEST_F(HandlersTest, EmptyRequestIsAUsageError) {
  use_store(store::Store::open_in_memory("Ana", std::chrono::system_clock::now()).value());
  EXPECT_EQ(handle(v1::Request{}).response.code(), v1::CODE_USAGE);
}

TEST_F(HandlersTest, UnlockInKeyFileModeSaysThereIsNothingToDo) {
  TempDir dir;
  use_store(store::Store::open(store::HomePaths::of(make_home(dir))).value());
  auto response = handle(unlock("anything")).response;
  EXPECT_EQ(response.code(), v1::CODE_OK);
  EXPECT_NE(response.message().find("key file"), std::string::npos);
}

TEST_F(HandlersTest, LockedStoreRefusesJournalUntilUnlocked) {
  TempDir dir;
  use_store(store::Store::open(store::HomePaths::of(make_home(dir, "correct horse"))).value());
  ASSERT_TRUE(m_context.store->locked());

  auto status = handle(status_request()).response;
  EXPECT_TRUE(status.daemon_status().locked());
  EXPECT_TRUE(status.daemon_status().device_name().empty());

  auto refused = handle(add("a thought")).response;
  EXPECT_EQ(refused.code(), v1::CODE_NOT_READY);
  EXPECT_EQ(refused.message(),
            "This device is locked. Unlock it with `pairspace unlock --passphrase-stdin`.");
  v1::Request list;
  list.mutable_journal_list();
  EXPECT_EQ(handle(list).response.code(), v1::CODE_NOT_READY);

  auto wrong = handle(unlock("wrong horse")).response;
  EXPECT_EQ(wrong.code(), v1::CODE_NOT_READY);
  EXPECT_FALSE(wrong.message().empty());
  EXPECT_TRUE(m_context.store->locked());

  auto right = handle(unlock("correct horse")).response;
  EXPECT_EQ(right.code(), v1::CODE_OK) << right.message();
  EXPECT_FALSE(m_context.store->locked());
  EXPECT_EQ(handle(status_request()).response.daemon_status().device_name(), "Ana");
  EXPECT_EQ(handle(add("a thought")).response.code(), v1::CODE_OK);

  auto again = handle(unlock("correct horse")).response;
  EXPECT_EQ(again.code(), v1::CODE_OK);
  EXPECT_NE(again.message().find("already"), std::string::npos);
}

TEST_F(HandlersTest, EmptyPassphraseIsAUsageError) {
  TempDir dir;
  use_store(store::Store::open(store::HomePaths::of(make_home(dir, "correct horse"))).value());
  EXPECT_EQ(handle(unlock("")).response.code(), v1::CODE_USAGE);
}

}  // namespace
}  // namespace pairspace::daemon::test
