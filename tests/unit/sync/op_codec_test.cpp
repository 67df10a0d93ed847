#include "sync/op_codec.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "crypto/identity_keys.hpp"
#include "test_support.hpp"

namespace pairspace::sync {
namespace {

using testing::check_in_op;
using testing::propose_op;
using testing::respond_op;
using testing::status_op;

struct Signer {
  crypto::IdentityKeys keys = crypto::generate_identity_keys();
  PublicKey key() const { return keys.sign_public; }
  v1::Op envelope(v1::Op body, std::uint64_t seq = 1, std::uint64_t lamport = 1) const {
    body.set_author(to_bytes(keys.sign_public));
    body.set_seq(seq);
    body.set_lamport(lamport);
    body.set_wall_time_ms(1'780'000'000'000);
    return body;
  }
};

TEST(OpCodec, SignedOpVerifiesAndKeepsItsExactBytes) {
  Signer alice;
  Signer bob;
  auto signed_op = sign_op(alice.envelope(status_op(v1::SPACE_STATE_NEED_SPACE)), alice.keys.sign_secret);
  ASSERT_TRUE(signed_op.ok()) << signed_op.error().message;
  const std::array<PublicKey, 2> authors{bob.key(), alice.key()};
  auto verified = verify_op(signed_op->signed_op, authors);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->signed_op, signed_op->signed_op);
  EXPECT_EQ(verified->hash, signed_op->hash);
  EXPECT_EQ(verified->op.seq(), 1u);
  EXPECT_EQ(verified->op.set_status().note(), "recharging, love you");

  // The hash is BLAKE2b-256 of the exact Op bytes inside the envelope.
  v1::SignedOp envelope;
  ASSERT_TRUE(envelope.ParseFromString(signed_op->signed_op));
  EXPECT_EQ(content_hash(envelope.op()), verified->hash);
  // The signature is domain-separated: it does not verify over the bare Op bytes.
  EXPECT_NE(crypto_sign_verify_detached(
                reinterpret_cast<const unsigned char*>(envelope.signature().data()),
                reinterpret_cast<const unsigned char*>(envelope.op().data()), envelope.op().size(),
                alice.key().data()),
            0);
}

TEST(OpCodec, EveryFlippedByteIsRefused) {
  Signer alice;
  auto signed_op = sign_op(alice.envelope(check_in_op(4)), alice.keys.sign_secret);
  ASSERT_TRUE(signed_op.ok());
  const std::array<PublicKey, 1> authors{alice.key()};
  const auto& good = signed_op->signed_op;
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto verified = verify_op(bad, authors);
    ASSERT_FALSE(verified.ok()) << "byte " << i;
    EXPECT_EQ(verified.error().code, v1::CODE_REFUSED);
  }
  EXPECT_FALSE(verify_op(good.substr(0, good.size() - 1), authors).ok());
  EXPECT_FALSE(verify_op(good + std::string(1, '\0'), authors).ok());
  EXPECT_FALSE(verify_op("", authors).ok());
}

TEST(OpCodec, RefusesAuthorsOutsideThePairing) {
  Signer alice;
  Signer mallory;
  const std::array<PublicKey, 1> authors{alice.key()};
  auto theirs = sign_op(mallory.envelope(check_in_op(3)), mallory.keys.sign_secret);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(verify_op(theirs->signed_op, authors).error().code, v1::CODE_REFUSED);

  // Naming alice as the author but signing with another key.
  auto forged = sign_op(alice.envelope(check_in_op(3)), mallory.keys.sign_secret);
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(verify_op(forged->signed_op, authors).error().code, v1::CODE_REFUSED);
}

TEST(OpCodec, FieldChecksRefuseBadOps) {
  Signer alice;
  const auto refuses = [&](v1::Op op) {
    auto signed_op = sign_op(op, alice.keys.sign_secret);
    return !signed_op.ok() && signed_op.error().code == v1::CODE_USAGE;
  };
  EXPECT_TRUE(refuses(alice.envelope(check_in_op(6))));
  EXPECT_TRUE(refuses(alice.envelope(check_in_op(3), 0, 1)));                // seq 0
  EXPECT_TRUE(refuses(alice.envelope(check_in_op(3), 1, 0)));                // lamport 0
  EXPECT_TRUE(refuses(alice.envelope(check_in_op(3), 1, max_lamport + 1)));  // runaway clock
  EXPECT_TRUE(refuses(alice.envelope(check_in_op(3, std::string(max_text_bytes + 1, 'x')))));
  EXPECT_FALSE(refuses(alice.envelope(check_in_op(3, std::string(max_text_bytes, 'x')))));
  EXPECT_TRUE(refuses(alice.envelope(check_in_op(3, std::string("\xff\xfe", 2)))));
  EXPECT_TRUE(refuses(alice.envelope(propose_op(""))));
  EXPECT_TRUE(refuses(alice.envelope(propose_op("daily 21:00", std::string(31, 'h')))));
  EXPECT_TRUE(refuses(alice.envelope(respond_op(std::string(31, 'h'), true))));
  EXPECT_TRUE(refuses(alice.envelope(status_op(v1::SPACE_STATE_UNSPECIFIED))));
  EXPECT_TRUE(refuses(alice.envelope(v1::Op())));  // no body

  auto no_body = alice.envelope(v1::Op());
  no_body.set_author(std::string(31, 'a'));
  EXPECT_TRUE(refuses(no_body));
}

// seq 1 names no op before it; every later op names its predecessor by a 32-byte hash.
TEST(OpCodec, PrevHashIsEmptyForTheFirstOpAndAHashAfter) {
  Signer alice;
  const auto with_link = [&](std::uint64_t seq, std::string link) {
    auto op = alice.envelope(check_in_op(3), seq, seq);
    op.set_prev_hash(std::move(link));
    return sign_op(op, alice.keys.sign_secret).ok();
  };
  EXPECT_TRUE(with_link(1, ""));
  EXPECT_FALSE(with_link(1, std::string(32, 'h')));
  EXPECT_FALSE(with_link(2, ""));
  EXPECT_FALSE(with_link(2, std::string(31, 'h')));
  EXPECT_FALSE(with_link(2, std::string(33, 'h')));
  EXPECT_TRUE(with_link(2, std::string(32, 'h')));
}

// parse_op checks all but the signature; check_signature checks exactly that.
TEST(OpCodec, ParseOpLeavesTheSignatureToCheckSignature) {
  Signer alice;
  auto good = sign_op(alice.envelope(check_in_op(4, "fine")), alice.keys.sign_secret);
  ASSERT_TRUE(good.ok());
  const std::array<PublicKey, 1> authors{alice.key()};
  v1::SignedOp envelope;
  ASSERT_TRUE(envelope.ParseFromString(good->signed_op));
  auto sig = envelope.signature();
  sig[5] = static_cast<char>(sig[5] ^ 0x01);
  envelope.set_signature(sig);
  const auto forged = envelope.SerializeAsString();

  auto parsed = parse_op(forged, authors);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->hash, good->hash);
  EXPECT_EQ(check_signature(*parsed).error().code, v1::CODE_REFUSED);
  EXPECT_FALSE(verify_op(forged, authors).ok());
  auto fine = parse_op(good->signed_op, authors);
  ASSERT_TRUE(fine.ok());
  EXPECT_TRUE(check_signature(*fine).ok());
  envelope.set_signature(std::string(63, 's'));  // the length is parse_op's business
  EXPECT_FALSE(parse_op(envelope.SerializeAsString(), authors).ok());
}

// An op kind a newer version might send: kept and forwarded, not folded.
TEST(OpCodec, AcceptsBodiesThisVersionDoesNotKnowFromThePartner) {
  Signer alice;
  v1::Op op = alice.envelope(v1::Op());
  std::string op_bytes;
  ASSERT_TRUE(op.SerializeToString(&op_bytes));
  op_bytes += std::string("\xfa\x01\x02\x08\x01", 5);  // field 31, length-delimited
  std::string message = std::string(op_signature_context) + op_bytes;
  std::array<std::uint8_t, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), alice.keys.sign_secret.data());
  v1::SignedOp envelope;
  envelope.set_op(op_bytes);
  envelope.set_signature(to_bytes(sig));
  const std::array<PublicKey, 1> authors{alice.key()};
  auto verified = verify_op(envelope.SerializeAsString(), authors);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->op.body_case(), v1::Op::BODY_NOT_SET);
}

TEST(OpCodec, ShortIdIsSixLowercaseBase32CharactersOfTheHash) {
  Hash h{};
  EXPECT_EQ(short_id(h), "aaaaaa");
  h[0] = 0xff;
  EXPECT_EQ(short_id(h), "74aaaa");
  const auto a = content_hash("one");
  const auto b = content_hash("two");
  EXPECT_NE(short_id(a), short_id(b));
  EXPECT_EQ(short_id(a), short_id(content_hash("one")));
  for (char c : short_id(a)) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'));
}

TEST(OpCodec, FoldOrderIsLamportThenAuthorThenSeq) {
  v1::Op x;
  v1::Op y;
  x.set_lamport(3);
  y.set_lamport(4);
  x.set_author(std::string(32, '\xff'));
  y.set_author(std::string(32, '\x00'));
  EXPECT_TRUE(fold_before(x, y));
  EXPECT_FALSE(fold_before(y, x));
  y.set_lamport(3);
  EXPECT_TRUE(fold_before(y, x));  // byte order, unsigned
  y.set_author(x.author());
  x.set_seq(1);
  y.set_seq(2);
  EXPECT_TRUE(fold_before(x, y));
  EXPECT_FALSE(fold_before(x, x));
}

}  // namespace
}  // namespace pairspace::sync
