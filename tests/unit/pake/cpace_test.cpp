// The CPace session API: known answers through Cpace::start/finish, agreement between
// random parties, disagreement whenever an input differs, and refusal of bad shares.
// Keys are compared with SecureBytes::equals so a failing test never prints them.
#include "pake/cpace.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "cpace_vectors.hpp"

namespace pairspace::pake {
namespace {

using test::vectors;

ByteView text(std::string_view s) { return as_bytes(s); }

struct Pair {
  crypto::SecureBytes a;
  crypto::SecureBytes b;
};

// Runs one exchange; each side has its own inputs and AD.
Pair run(CpaceRole role_a, const CpaceInputs& in_a, CpaceRole role_b, const CpaceInputs& in_b) {
  const Bytes ad_a = {'A'};
  const Bytes ad_b = {'B'};
  auto a = Cpace::start(role_a, in_a, ad_a);
  auto b = Cpace::start(role_b, in_b, ad_b);
  EXPECT_TRUE(a.ok());
  EXPECT_TRUE(b.ok());
  if (!a.ok() || !b.ok()) return {};
  auto isk_a = a->finish(b->share(), b->ad());
  auto isk_b = b->finish(a->share(), a->ad());
  EXPECT_TRUE(isk_a.ok());
  EXPECT_TRUE(isk_b.ok());
  if (!isk_a.ok() || !isk_b.ok()) return {};
  EXPECT_EQ(isk_a->size(), hash_bytes);
  EXPECT_EQ(isk_b->size(), hash_bytes);
  return {std::move(isk_a).value(), std::move(isk_b).value()};
}

bool same(const Pair& p) { return !p.a.empty() && p.a.equals(p.b.span()); }

const CpaceInputs base{text("correct horse"), text("ci:pairspace"), text("sid-0123456789")};

struct VectorSide {
  Bytes prs, ci, sid, ya, yb, ada, adb, big_ya, big_yb;
};

VectorSide vector_side() {
  const auto& v = vectors();
  const auto& s = v.suite();
  return {v.json_hex(s.at("PRS")), v.json_hex(s.at("CI")),  v.json_hex(s.at("sid")),
          v.json_hex(s.at("ya")),  v.json_hex(s.at("yb")),  v.json_hex(s.at("ADa")),
          v.json_hex(s.at("ADb")), v.json_hex(s.at("Ya")),  v.json_hex(s.at("Yb"))};
}

void expect_vector_isk(CpaceRole role_a, CpaceRole role_b, const char* json_key) {
  const VectorSide in = vector_side();
  const CpaceInputs inputs{in.prs, in.ci, in.sid};
  auto a = Cpace::start(role_a, inputs, in.ada, in.ya);
  auto b = Cpace::start(role_b, inputs, in.adb, in.yb);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Bytes(a->share().begin(), a->share().end()), in.big_ya);
  EXPECT_EQ(Bytes(b->share().begin(), b->share().end()), in.big_yb);
  const Bytes expected = vectors().json_hex(vectors().suite().at(json_key));
  auto isk_a = a->finish(b->share(), in.adb);
  auto isk_b = b->finish(a->share(), in.ada);
  ASSERT_TRUE(isk_a.ok());
  ASSERT_TRUE(isk_b.ok());
  EXPECT_TRUE(isk_a->equals(expected));
  EXPECT_TRUE(isk_b->equals(expected));
}

TEST(Cpace, InitiatorResponderMatchesVectors) {
  expect_vector_isk(CpaceRole::initiator, CpaceRole::responder, "ISK_IR");
}

TEST(Cpace, SymmetricMatchesVectors) {
  expect_vector_isk(CpaceRole::symmetric, CpaceRole::symmetric, "ISK_SY");
}

TEST(Cpace, RandomPartiesWithSamePasswordAgree) {
  const Pair ir = run(CpaceRole::initiator, base, CpaceRole::responder, base);
  EXPECT_TRUE(same(ir));
  const Pair sy = run(CpaceRole::symmetric, base, CpaceRole::symmetric, base);
  EXPECT_TRUE(same(sy));
  EXPECT_FALSE(ir.a.equals(sy.a.span()));  // fresh scalars, different transcripts
}

TEST(Cpace, FreshRunsGiveFreshSharesAndKeys) {
  const Pair first = run(CpaceRole::initiator, base, CpaceRole::responder, base);
  const Pair second = run(CpaceRole::initiator, base, CpaceRole::responder, base);
  ASSERT_TRUE(same(first));
  ASSERT_TRUE(same(second));
  EXPECT_FALSE(first.a.equals(second.a.span()));
}

TEST(Cpace, DifferentPasswordsDisagree) {
  CpaceInputs other = base;
  other.prs = text("correct horsf");
  EXPECT_FALSE(same(run(CpaceRole::initiator, base, CpaceRole::responder, other)));
  EXPECT_FALSE(same(run(CpaceRole::symmetric, base, CpaceRole::symmetric, other)));
}

TEST(Cpace, DifferentSessionIdsDisagree) {
  CpaceInputs other = base;
  other.sid = text("sid-0123456780");
  EXPECT_FALSE(same(run(CpaceRole::initiator, base, CpaceRole::responder, other)));
  EXPECT_FALSE(same(run(CpaceRole::symmetric, base, CpaceRole::symmetric, other)));
}

TEST(Cpace, DifferentChannelIdsDisagree) {
  CpaceInputs other = base;
  other.ci = text("ci:elsewhere");
  EXPECT_FALSE(same(run(CpaceRole::initiator, base, CpaceRole::responder, other)));
}

TEST(Cpace, MismatchedRolesDisagree) {
  EXPECT_FALSE(same(run(CpaceRole::initiator, base, CpaceRole::initiator, base)));
  EXPECT_FALSE(same(run(CpaceRole::initiator, base, CpaceRole::symmetric, base)));
}

TEST(Cpace, TamperedAssociatedDataDisagrees) {
  auto a = Cpace::start(CpaceRole::initiator, base, text("A"));
  auto b = Cpace::start(CpaceRole::responder, base, text("B"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  auto isk_a = a->finish(b->share(), text("B'"));  // AD changed in transit
  auto isk_b = b->finish(a->share(), a->ad());
  ASSERT_TRUE(isk_a.ok());
  ASSERT_TRUE(isk_b.ok());
  EXPECT_FALSE(isk_a->equals(isk_b->span()));
}

TEST(Cpace, RejectsInvalidShares) {
  const auto& v = vectors();
  Bytes garbage(point_bytes, 0xff);  // not a canonical field element
  const Bytes bad[] = {v.json_hex(v.points().at("Invalid Y1")),
                       v.json_hex(v.points().at("Invalid Y2")), garbage, Bytes(31, 1),
                       Bytes(33, 1), Bytes{}};
  for (const Bytes& share : bad) {
    auto a = Cpace::start(CpaceRole::initiator, base, text("A"));
    ASSERT_TRUE(a.ok());
    auto isk = a->finish(share, text("B"));
    ASSERT_FALSE(isk.ok());
    EXPECT_EQ(isk.error().code, v1::CODE_REFUSED);
    EXPECT_FALSE(isk.error().message.empty());
  }
}

TEST(Cpace, FinishOnlyOnce) {
  auto a = Cpace::start(CpaceRole::initiator, base, text("A"));
  auto b = Cpace::start(CpaceRole::responder, base, text("B"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(a->finish(b->share(), b->ad()).ok());
  auto again = a->finish(b->share(), b->ad());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, v1::CODE_USAGE);

  // A refused share also ends the attempt: the protocol must abort, not retry.
  auto c = Cpace::start(CpaceRole::initiator, base, text("A"));
  ASSERT_TRUE(c.ok());
  ASSERT_FALSE(c->finish(Bytes(point_bytes, 0), text("B")).ok());
  auto retry = c->finish(b->share(), b->ad());
  ASSERT_FALSE(retry.ok());
  EXPECT_EQ(retry.error().code, v1::CODE_USAGE);
}

TEST(Cpace, RejectsBadInjectedScalars) {
  auto zero = Cpace::start(CpaceRole::initiator, base, text("A"), Bytes(scalar_bytes, 0));
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, v1::CODE_USAGE);
  auto shorter = Cpace::start(CpaceRole::initiator, base, text("A"), Bytes(31, 1));
  ASSERT_FALSE(shorter.ok());
  EXPECT_EQ(shorter.error().code, v1::CODE_USAGE);
}

TEST(Cpace, ErrorMessagesRevealNothingSecret) {
  const std::string password = "correct horse";
  auto a = Cpace::start(CpaceRole::initiator, base, text("A"));
  ASSERT_TRUE(a.ok());
  const Bytes bad(point_bytes, 0xff);
  auto isk = a->finish(bad, text("B"));
  ASSERT_FALSE(isk.ok());
  const std::string& msg = isk.error().message;
  EXPECT_EQ(msg.find(password), std::string::npos);
  EXPECT_EQ(msg.find("ff"), std::string::npos);  // no hex dump of the share
  EXPECT_EQ(msg.find("FF"), std::string::npos);
  for (const char c : msg) EXPECT_TRUE(c >= 0x20 && c < 0x7f);  // plain printable text
}

}  // namespace
}  // namespace pairspace::pake
