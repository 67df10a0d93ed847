// Inputs the fuzz targets found (tests/fuzz/corpus/{schedule,op}/regression-*).
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdint>
#include <limits>

#include "crypto/identity_keys.hpp"
#include "sync/op_codec.hpp"
#include "test_support.hpp"

namespace pairspace::sync {
namespace {

using testing::propose_op;
using testing::status_op;

constexpr std::int64_t year_2200_ms = 7'258'118'400'000;  // 2200-01-01T00:00:00Z

// Signs exactly what it is given, as a partner's device with a broken clock (or a hostile
// one) could: no field checks.
std::string sign_unchecked(const v1::Op& op, const crypto::SecureBytes& sign_secret) {
  const std::string op_bytes = op.SerializeAsString();
  const std::string message = std::string(op_signature_context) + op_bytes;
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       sign_secret.data());
  v1::SignedOp envelope;
  envelope.set_op(op_bytes);
  envelope.set_signature(std::string(signature.begin(), signature.end()));
  return envelope.SerializeAsString();
}

v1::Op envelope(v1::Op body, const crypto::IdentityKeys& author, std::int64_t wall_time_ms) {
  body.set_author(to_bytes(author.sign_public));
  body.set_seq(1);
  body.set_lamport(1);
  body.set_wall_time_ms(wall_time_ms);
  return body;
}

// A wall time or an end time past 2262 does not fit the nanosecond clock: the daemon's
// calendar, history, agreement list and status converted it with signed overflow
// (undefined behaviour; in practice garbage times). Such ops are now refused on arrival.
TEST(OpCodec, TimesOutsideTheSupportedYearsAreRefused) {
  const auto partner = crypto::generate_identity_keys();
  const std::array<PublicKey, 1> authors{partner.sign_public};
  const std::int64_t too_late[] = {year_2200_ms + 1, 9'223'372'036'854'776,
                                   std::numeric_limits<std::int64_t>::max()};
  for (const std::int64_t ms : too_late) {
    const v1::Op wall = envelope(propose_op("daily 21:00"), partner, ms);
    EXPECT_FALSE(verify_op(sign_unchecked(wall, partner.sign_secret), authors).ok()) << ms;
    EXPECT_FALSE(sign_op(wall, partner.sign_secret).ok()) << ms;

    const v1::Op until =
        envelope(status_op(v1::SPACE_STATE_NEED_SPACE, "quiet", ms), partner, 1'780'000'000'000);
    EXPECT_FALSE(verify_op(sign_unchecked(until, partner.sign_secret), authors).ok()) << ms;
    EXPECT_FALSE(sign_op(until, partner.sign_secret).ok()) << ms;
  }
}

TEST(OpCodec, TimesUpTo2200AreAccepted) {
  const auto partner = crypto::generate_identity_keys();
  const std::array<PublicKey, 1> authors{partner.sign_public};
  const v1::Op op =
      envelope(status_op(v1::SPACE_STATE_NEED_SPACE, "quiet", year_2200_ms), partner, year_2200_ms);
  EXPECT_TRUE(verify_op(sign_unchecked(op, partner.sign_secret), authors).ok());
}

}  // namespace
}  // namespace pairspace::sync
