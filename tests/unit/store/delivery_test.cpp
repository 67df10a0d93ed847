// When the partner's daemon confirmed it holds this device's ops.
#include <gtest/gtest.h>

#include "crypto/identity_keys.hpp"
#include "store/store.hpp"
#include "test_home.hpp"

namespace pairspace::store {
namespace {

using testing::at_ms;

std::unique_ptr<Store> paired_store() {
  auto store = Store::open_in_memory("me", at_ms(0));
  EXPECT_TRUE(store.ok());
  const auto keys = crypto::generate_identity_keys();
  Partner p;
  p.name = "Sam";
  p.sign_public = keys.sign_public;
  p.dh_public = keys.dh_public;
  p.safety_number = "01234 56789 13579 24680 11223 34455 66778 89900";
  p.paired_at = at_ms(1'700'000'000'000);
  EXPECT_TRUE((*store)->set_partner(p).ok());
  return std::move(store).value();
}

TEST(Delivery, OnlyAHigherSeqAddsARowAndForgetClearsThem) {
  auto store = paired_store();
  ASSERT_TRUE(store->record_delivered(3, at_ms(1000)).ok());
  ASSERT_TRUE(store->record_delivered(2, at_ms(2000)).ok());  // older news: ignored
  ASSERT_TRUE(store->record_delivered(5, at_ms(3000)).ok());
  auto rows = store->deliveries();
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].first, 3u);
  EXPECT_EQ((*rows)[0].second, at_ms(1000));
  EXPECT_EQ((*rows)[1].first, 5u);
  EXPECT_EQ((*rows)[1].second, at_ms(3000));

  ASSERT_TRUE(store->forget_partner().ok());
  rows = store->deliveries();
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
}

}  // namespace
}  // namespace pairspace::store
