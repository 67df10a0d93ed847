#include "peer/pairing.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "test_devices.hpp"

namespace pairspace::peer {
namespace {

using test::make_device;

Bytes fake_hash(std::uint8_t seed) { return Bytes(64, seed); }

noise::PublicKey dh_of(const test::TestDevice& device) { return device.keys.dh_public; }

TEST(Pairing, ProofVerifiesForTheSignerOnly) {
  const auto ana = make_device("Ana", 4000);
  const auto ben = make_device("Ben", 4001);
  auto ana_id = detail::copy_identity(ana.local());
  auto ben_id = detail::copy_identity(ben.local());
  ASSERT_TRUE(ana_id.ok() && ben_id.ok());
  const Bytes h = fake_hash(9);
  Result<v1::Frame> proof = detail::make_pair_proof(*ana_id, h);
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(proof->pair_proof().listen_port(), 4000u);

  Result<PairResult> ok = detail::verify_pair_proof(*proof, h, dh_of(ana), *ben_id);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->partner_name, "Ana");
  EXPECT_EQ(ok->partner_sign_public, ana.keys.sign_public);

  // Another handshake, another X25519 key, or another signer: refused.
  EXPECT_FALSE(detail::verify_pair_proof(*proof, fake_hash(8), dh_of(ana), *ben_id).ok());
  EXPECT_FALSE(detail::verify_pair_proof(*proof, h, dh_of(ben), *ben_id).ok());
  v1::Frame swapped = *proof;
  swapped.mutable_pair_proof()->set_sign_public(ben.keys.sign_public.data(), 32);
  EXPECT_FALSE(detail::verify_pair_proof(swapped, h, dh_of(ana), *ben_id).ok());
}

TEST(Pairing, ProofFieldsAreChecked) {
  const auto ana = make_device("Ana", 4000);
  const auto ben = make_device("Ben", 4001);
  auto ana_id = detail::copy_identity(ana.local());
  auto ben_id = detail::copy_identity(ben.local());
  const Bytes h = fake_hash(1);
  const v1::Frame proof = *detail::make_pair_proof(*ana_id, h);

  v1::Frame no_port = proof;
  no_port.mutable_pair_proof()->set_listen_port(0);
  EXPECT_FALSE(detail::verify_pair_proof(no_port, h, dh_of(ana), *ben_id).ok());
  v1::Frame big_port = proof;
  big_port.mutable_pair_proof()->set_listen_port(65536);
  EXPECT_FALSE(detail::verify_pair_proof(big_port, h, dh_of(ana), *ben_id).ok());
  v1::Frame long_name = proof;
  long_name.mutable_pair_proof()->set_name(std::string(101, 'x'));
  EXPECT_FALSE(detail::verify_pair_proof(long_name, h, dh_of(ana), *ben_id).ok());
  v1::Frame control_name = proof;
  control_name.mutable_pair_proof()->set_name("Ana\n");
  EXPECT_FALSE(detail::verify_pair_proof(control_name, h, dh_of(ana), *ben_id).ok());
  v1::Frame short_signature = proof;
  short_signature.mutable_pair_proof()->mutable_signature()->pop_back();
  EXPECT_FALSE(detail::verify_pair_proof(short_signature, h, dh_of(ana), *ben_id).ok());
  v1::Frame not_a_proof;
  not_a_proof.mutable_keepalive();
  EXPECT_FALSE(detail::verify_pair_proof(not_a_proof, h, dh_of(ana), *ben_id).ok());
}

TEST(Pairing, PskIsKeyedBlake2bOfTheIsk) {
  crypto::SecureBytes isk(64);
  for (std::size_t i = 0; i < isk.size(); ++i) isk.data()[i] = static_cast<std::uint8_t>(i);
  Result<crypto::SecureBytes> psk = detail::derive_psk(isk);
  ASSERT_TRUE(psk.ok());
  ASSERT_EQ(psk->size(), 32u);
  const std::string label = "pairspace/v1/noise-psk";
  std::array<std::uint8_t, 32> expected{};
  crypto_generichash(expected.data(), expected.size(),
                     reinterpret_cast<const unsigned char*>(label.data()), label.size(),
                     isk.data(), isk.size());
  EXPECT_TRUE(psk->equals(expected));
}

TEST(Pairing, PrologueIsLabelSidAndShares) {
  PairSid sid{};
  sid.fill(1);
  CpaceShare ya{};
  ya.fill(2);
  CpaceShare yb{};
  yb.fill(3);
  const Bytes prologue = detail::pair_prologue(sid, ya, yb);
  ASSERT_EQ(prologue.size(), 17u + 16u + 32u + 32u);
  EXPECT_EQ(std::string(prologue.begin(), prologue.begin() + 17), "pairspace/v1/pair");
  EXPECT_EQ(prologue[17], 1);
  EXPECT_EQ(prologue[33], 2);
  EXPECT_EQ(prologue[65], 3);
}

}  // namespace
}  // namespace pairspace::peer
