#include "store/store.hpp"

#include <gtest/gtest.h>

#include "test_home.hpp"

namespace pairspace::store {
namespace {

using testing::TempDir;

TEST(Store, InitThenOpenRoundTripsTheIdentity) {
  TempDir dir;
  const auto home = dir.path() / "device";
  auto created = init_home(home, InitOptions{"Ana's laptop", std::nullopt}, testing::at_ms(1000));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->name, "Ana's laptop");

  auto store = Store::open(HomePaths::of(home));
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_FALSE((*store)->locked());
  EXPECT_FALSE((*store)->passphrase_params().has_value());
  EXPECT_TRUE((*store)->warnings().empty());
  auto identity = (*store)->identity();
  ASSERT_TRUE(identity.ok()) << identity.error().message;
  EXPECT_EQ(identity->name, "Ana's laptop");
  EXPECT_EQ(identity->device_id, created->device_id);
  EXPECT_EQ(identity->sign_public, created->sign_public);
  EXPECT_EQ(identity->dh_public, created->dh_public);
  EXPECT_TRUE(identity->sign_secret.equals(created->sign_secret.span()));
  EXPECT_TRUE(identity->dh_secret.equals(created->dh_secret.span()));
  EXPECT_EQ(identity->sign_secret.size(), 64u);
  EXPECT_EQ(identity->dh_secret.size(), 32u);
}

TEST(Store, InMemoryStoreIsUnlockedWithAnIdentity) {
  auto store = Store::open_in_memory("test device", testing::at_ms(5));
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_FALSE((*store)->locked());
  auto identity = (*store)->identity();
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity->name, "test device");
  EXPECT_EQ(identity->device_id.size(), 29u);
}

TEST(Store, EmptyNameDefaultsToTheHostName) {
  auto store = Store::open_in_memory("", testing::at_ms(5));
  ASSERT_TRUE(store.ok());
  auto identity = (*store)->identity();
  ASSERT_TRUE(identity.ok());
  EXPECT_FALSE(identity->name.empty());
}

TEST(Store, MissingHomeIsNotReady) {
  TempDir dir;
  auto store = Store::open(HomePaths::of(dir.path() / "nothing"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, v1::CODE_NOT_READY);
  EXPECT_NE(store.error().message.find("pairspace init"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.path() / "nothing"));
}

TEST(Store, MissingKeyFileIsRefusedAndNothingChanges) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  ASSERT_TRUE(init_home(paths.home, {}, testing::at_ms(1)).ok());
  fs::rename(paths.key_file, dir.path() / "key.saved");
  const auto before = testing::hash_file(paths.database);
  auto store = Store::open(paths);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, v1::CODE_STORE);
  EXPECT_NE(store.error().message.find("key file"), std::string::npos);
  EXPECT_NE(store.error().message.find("missing"), std::string::npos);
  EXPECT_EQ(testing::hash_file(paths.database), before);
  EXPECT_FALSE(fs::exists(paths.key_file));
  // Putting it back works.
  fs::rename(dir.path() / "key.saved", paths.key_file);
  EXPECT_TRUE(Store::open(paths).ok());
}

TEST(Store, KeyFileOfAnotherDeviceIsRefused) {
  TempDir dir;
  const auto a = HomePaths::of(dir.path() / "a");
  const auto b = HomePaths::of(dir.path() / "b");
  ASSERT_TRUE(init_home(a.home, {}, testing::at_ms(1)).ok());
  ASSERT_TRUE(init_home(b.home, {}, testing::at_ms(1)).ok());
  fs::copy_file(b.key_file, a.key_file, fs::copy_options::overwrite_existing);
  const auto before = testing::hash_file(a.database);
  auto store = Store::open(a);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, v1::CODE_NOT_READY);
  EXPECT_EQ(testing::hash_file(a.database), before);
}

TEST(Store, LooseKeyFileModeIsReportedAsAWarning) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  ASSERT_TRUE(init_home(paths.home, {}, testing::at_ms(1)).ok());
  fs::permissions(paths.key_file, fs::perms::owner_read | fs::perms::owner_write |
                                      fs::perms::group_read | fs::perms::others_read);
  auto store = Store::open(paths);
  ASSERT_TRUE(store.ok());
  ASSERT_EQ((*store)->warnings().size(), 1u);
  EXPECT_NE((*store)->warnings()[0].find("chmod 600"), std::string::npos);
  EXPECT_NE((*store)->warnings()[0].find("0644"), std::string::npos);
}

TEST(Store, DamagedKeyFileIsRefused) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  ASSERT_TRUE(init_home(paths.home, {}, testing::at_ms(1)).ok());
  auto key = testing::read_bytes(paths.key_file);
  key.pop_back();
  testing::write_bytes(paths.key_file, key);
  auto store = Store::open(paths);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, v1::CODE_STORE);
}

TEST(Store, UnlockInKeyFileModeIsAUsageError) {
  auto store = Store::open_in_memory("x", testing::at_ms(1));
  ASSERT_TRUE(store.ok());
  auto st = (*store)->unlock(crypto::SecureBytes::random(32));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, v1::CODE_USAGE);
  EXPECT_FALSE((*store)->locked());
}

}  // namespace
}  // namespace pairspace::store
