// Passphrase mode: the data key is wrapped by Argon2id(passphrase); no key file exists.
#include <gtest/gtest.h>
#include <sodium.h>

#include "store/store.hpp"
#include "store/store_impl.hpp"
#include "test_home.hpp"

namespace pairspace::store {
namespace {

using testing::at_ms;
using testing::TempDir;

crypto::SecureBytes secret(std::string_view s) {
  return crypto::SecureBytes(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

crypto::SecureBytes kek_for(const Store& store, std::string_view passphrase) {
  auto params = store.passphrase_params();
  EXPECT_TRUE(params.has_value());
  auto key = derive_passphrase_key(*params, secret(passphrase).span());
  EXPECT_TRUE(key.ok());
  return std::move(key).value();
}

TEST(Keyring, PassphraseStoreIsLockedUntilTheRightPassphrase) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  auto created = init_home(paths.home, InitOptions{"Bea", secret("correct horse battery")}, at_ms(1));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_FALSE(fs::exists(paths.key_file));
  {
    auto store = Store::open(paths);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE((*store)->locked());
    auto params = (*store)->passphrase_params();
    ASSERT_TRUE(params.has_value());
    EXPECT_EQ(params->opslimit, crypto_pwhash_OPSLIMIT_INTERACTIVE);
    EXPECT_EQ(params->memlimit, crypto_pwhash_MEMLIMIT_INTERACTIVE);

    // Nothing readable while locked.
    EXPECT_EQ((*store)->identity().error().code, v1::CODE_NOT_READY);
    EXPECT_EQ((*store)->journal_add("x", at_ms(2)).error().code, v1::CODE_NOT_READY);
    EXPECT_EQ((*store)->journal_list("", std::nullopt).error().code, v1::CODE_NOT_READY);
    EXPECT_EQ((*store)->journal_get(1).error().code, v1::CODE_NOT_READY);
    EXPECT_EQ((*store)->journal_delete(1).error().code, v1::CODE_NOT_READY);

    auto wrong = (*store)->unlock(kek_for(**store, "correct horse battery."));
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, v1::CODE_NOT_READY);
    EXPECT_EQ(wrong.error().message,
              "That passphrase did not open this device's store. Nothing was changed — please "
              "try again.");
    EXPECT_TRUE((*store)->locked());
    EXPECT_EQ((*store)->identity().error().code, v1::CODE_NOT_READY);

    ASSERT_TRUE((*store)->unlock(kek_for(**store, "correct horse battery")).ok());
    EXPECT_FALSE((*store)->locked());
    auto identity = (*store)->identity();
    ASSERT_TRUE(identity.ok());
    EXPECT_EQ(identity->device_id, created->device_id);
    EXPECT_EQ(identity->name, "Bea");
    ASSERT_TRUE((*store)->journal_add("Kilimanjaro thoughts", at_ms(3)).ok());
  }
  // Reopened: locked again.
  auto store = Store::open(paths);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->locked());
  EXPECT_FALSE(testing::file_contains(paths.database, "Kilimanjaro"));
  EXPECT_FALSE(testing::file_contains(paths.database, "correct horse"));
}

TEST(Keyring, EmptyPassphraseIsRefusedAtInit) {
  TempDir dir;
  auto created = init_home(dir.path() / "d", InitOptions{"", crypto::SecureBytes()}, at_ms(1));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, v1::CODE_USAGE);
  EXPECT_FALSE(fs::exists(dir.path() / "d"));
}

TEST(Keyring, DerivationIsDeterministicPerSaltAndRejectsWildParams) {
  auto params = detail::default_passphrase_params();
  params.opslimit = crypto_pwhash_OPSLIMIT_MIN;
  params.memlimit = crypto_pwhash_MEMLIMIT_MIN;
  auto a = derive_passphrase_key(params, secret("pw").span());
  auto b = derive_passphrase_key(params, secret("pw").span());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_TRUE(a->equals(b->span()));
  auto other_salt = params;
  other_salt.salt[0] ^= 1;
  auto c = derive_passphrase_key(other_salt, secret("pw").span());
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(a->equals(c->span()));

  auto huge = params;
  huge.memlimit = std::uint64_t{1} << 40;
  EXPECT_EQ(derive_passphrase_key(huge, secret("pw").span()).error().code, v1::CODE_STORE);
  auto zero = params;
  zero.opslimit = 0;
  EXPECT_FALSE(derive_passphrase_key(zero, secret("pw").span()).ok());
}

TEST(Keyring, AssociatedDataNamesPurposeAndRow) {
  EXPECT_EQ(detail::journal_ad(7, 1234), "pairspace/v1/journal/7/1234");
  EXPECT_EQ(detail::identity_ad(), "pairspace/v1/identity/1");
  EXPECT_NE(detail::data_key_ad(detail::WrapMode::key_file),
            detail::data_key_ad(detail::WrapMode::passphrase));
}

}  // namespace
}  // namespace pairspace::store
