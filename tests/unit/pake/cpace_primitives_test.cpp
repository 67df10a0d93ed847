// Known-answer tests for the CPace building blocks against the draft's vectors,
// read at runtime from tests/data/cpace_ristretto255.txt.
#include "pake/cpace_primitives.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <regex>
#include <string>

#include "cpace_vectors.hpp"

namespace pairspace::pake {
namespace {

using test::vectors;

Bytes to_vec(ByteView v) { return Bytes(v.begin(), v.end()); }
Bytes to_vec(const crypto::SecureBytes& s) { return to_vec(s.span()); }

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

struct SuiteInputs {
  Bytes prs, ci, sid, ya, yb, ada, adb, big_ya, big_yb, k;
};

SuiteInputs suite_inputs() {
  const auto& v = vectors();
  const auto& s = v.suite();
  return {v.json_hex(s.at("PRS")), v.json_hex(s.at("CI")),  v.json_hex(s.at("sid")),
          v.json_hex(s.at("ya")),  v.json_hex(s.at("yb")),  v.json_hex(s.at("ADa")),
          v.json_hex(s.at("ADb")), v.json_hex(s.at("Ya")),  v.json_hex(s.at("Yb")),
          v.json_hex(s.at("K"))};
}

TEST(CpacePrimitives, TextAndJsonInputsAgree) {
  const auto& v = vectors();
  const SuiteInputs in = suite_inputs();
  EXPECT_EQ(v.input_literal("PRS"), in.prs);
  EXPECT_EQ(v.input_literal("CI"), in.ci);
  EXPECT_EQ(v.input_hex("CI"), in.ci);
  EXPECT_EQ(v.input_hex("sid"), in.sid);
  EXPECT_EQ(v.input_literal("ADa"), in.ada);
  EXPECT_EQ(v.input_literal("ADb"), in.adb);
  EXPECT_EQ(v.block("ya (little endian)"), in.ya);
  EXPECT_EQ(v.block("yb (little endian)"), in.yb);
}

TEST(CpacePrimitives, DomainSeparatorsMatchVectors) {
  const auto& v = vectors();
  EXPECT_EQ(v.input_literal("DSI"), to_vec(as_bytes(cpace_dsi)));
  EXPECT_EQ(v.block("DSI = G.DSI_ISK, b'CPaceRistretto255_ISK'"), to_vec(as_bytes(cpace_dsi_isk)));
}

TEST(CpacePrimitives, GeneratorStringMatchesVector) {
  const auto& v = vectors();
  const SuiteInputs in = suite_inputs();
  const crypto::SecureBytes gen =
      generator_string(as_bytes(cpace_dsi), in.prs, in.ci, in.sid, hash_block_bytes);
  EXPECT_EQ(to_vec(gen), v.block("generator_string(G.DSI,PRS,CI,sid,H.s_in_bytes)"));

  std::smatch m;
  const std::string prs_line = v.input("PRS");
  ASSERT_TRUE(std::regex_search(prs_line, m, std::regex(R"(ZPAD length: (\d+))")));
  EXPECT_EQ(generator_zpad_length(as_bytes(cpace_dsi), in.prs, hash_block_bytes),
            std::stoul(m[1]));

  Bytes digest(crypto_hash_sha512_BYTES);
  crypto_hash_sha512(digest.data(), gen.data(), gen.size());
  EXPECT_EQ(digest, v.block("hash result"));
}

TEST(CpacePrimitives, GeneratorMatchesVector) {
  const auto& v = vectors();
  const SuiteInputs in = suite_inputs();
  const Bytes g = to_vec(calculate_generator(in.prs, in.ci, in.sid));
  EXPECT_EQ(g, v.block("encoded generator g"));
  EXPECT_EQ(g, v.json_hex(v.suite().at("g")));
}

TEST(CpacePrimitives, SharesAndSecretPointMatchVectors) {
  const auto& v = vectors();
  const SuiteInputs in = suite_inputs();
  const crypto::SecureBytes g = calculate_generator(in.prs, in.ci, in.sid);

  auto ya_pub = scalar_mult_vfy(in.ya, g.span());
  auto yb_pub = scalar_mult_vfy(in.yb, g.span());
  ASSERT_TRUE(ya_pub.ok());
  ASSERT_TRUE(yb_pub.ok());
  EXPECT_EQ(to_vec(*ya_pub), in.big_ya);
  EXPECT_EQ(to_vec(*yb_pub), in.big_yb);
  EXPECT_EQ(to_vec(*ya_pub), v.block("Ya"));
  EXPECT_EQ(to_vec(*yb_pub), v.block("Yb"));

  auto k_a = scalar_mult_vfy(in.ya, in.big_yb);
  auto k_b = scalar_mult_vfy(in.yb, in.big_ya);
  ASSERT_TRUE(k_a.ok());
  ASSERT_TRUE(k_b.ok());
  EXPECT_EQ(to_vec(*k_a), v.block("scalar_mult_vfy(ya,Yb)"));
  EXPECT_EQ(to_vec(*k_b), v.block("scalar_mult_vfy(yb,Ya)"));
  EXPECT_EQ(to_vec(*k_a), in.k);
}

TEST(CpacePrimitives, InitiatorResponderIskMatchesVector) {
  const auto& v = vectors();
  const SuiteInputs in = suite_inputs();
  const Bytes t = transcript_ir(in.big_ya, in.ada, in.big_yb, in.adb);
  EXPECT_EQ(t, v.block("transcript_ir(Ya,ADa,Yb,ADb)"));
  EXPECT_EQ(concat(lv_cat({as_bytes(cpace_dsi_isk), in.sid, in.k}), t),
            v.block("lv_cat(DSI,sid,K)||transcript_ir(Ya,ADa,Yb,ADb)"));
  const Bytes isk = to_vec(derive_isk(in.sid, in.k, t));
  EXPECT_EQ(isk, v.block("ISK result", 0));
  EXPECT_EQ(isk, v.json_hex(v.suite().at("ISK_IR")));
}

TEST(CpacePrimitives, ParallelIskMatchesVector) {
  const auto& v = vectors();
  const SuiteInputs in = suite_inputs();
  const Bytes t = transcript_oc(in.big_ya, in.ada, in.big_yb, in.adb);
  EXPECT_EQ(t, v.block("transcript_oc(Ya,ADa,Yb,ADb)"));
  EXPECT_EQ(transcript_oc(in.big_yb, in.adb, in.big_ya, in.ada), t);  // order-free
  EXPECT_EQ(concat(lv_cat({as_bytes(cpace_dsi_isk), in.sid, in.k}), t),
            v.block("lv_cat(DSI,sid,K)||transcript_oc(Ya,ADa,Yb,ADb)"));
  const Bytes isk = to_vec(derive_isk(in.sid, in.k, t));
  EXPECT_EQ(isk, v.block("ISK result", 1));
  EXPECT_EQ(isk, v.json_hex(v.suite().at("ISK_SY")));
}

TEST(CpacePrimitives, SidOutputMatchesVectors) {
  const auto& v = vectors();
  const SuiteInputs in = suite_inputs();
  const auto ir = sid_output(transcript_ir(in.big_ya, in.ada, in.big_yb, in.adb));
  const auto oc = sid_output(transcript_oc(in.big_ya, in.ada, in.big_yb, in.adb));
  EXPECT_EQ(to_vec(ir), v.block("H.hash(b\"CPaceSidOutput\" + transcript_ir(Ya,ADa, Yb,ADb))"));
  EXPECT_EQ(to_vec(oc), v.block("H.hash(b\"CPaceSidOutput\" + transcript_oc(Ya,ADa, Yb,ADb))"));
  EXPECT_EQ(to_vec(ir), v.json_hex(v.suite().at("sid_output_ir")));
  EXPECT_EQ(to_vec(oc), v.json_hex(v.suite().at("sid_output_oc")));
}

TEST(CpacePrimitives, ScalarMultVfyValidCase) {
  const auto& v = vectors();
  const auto& valid = v.points().at("Valid");
  const Bytes s = v.json_hex(valid.at("s"));
  const Bytes x = v.json_hex(valid.at("X"));
  EXPECT_EQ(v.block("s", 0), s);
  EXPECT_EQ(v.block("X"), x);
  auto r = scalar_mult_vfy(s, x);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(to_vec(*r), v.json_hex(valid.at("G.scalar_mult_vfy(s,X)")));
  EXPECT_EQ(to_vec(*r), v.block("G.scalar_mult_vfy(s,X)"));
  EXPECT_EQ(to_vec(*r), v.block("G.scalar_mult(s,decode(X))"));
}

TEST(CpacePrimitives, ScalarMultVfyRejectsInvalidPoints) {
  const auto& v = vectors();
  const Bytes s = v.block("s", 1);
  const Bytes invalid[] = {v.json_hex(v.points().at("Invalid Y1")),
                           v.json_hex(v.points().at("Invalid Y2")), v.block("Y_i1"),
                           v.block("Y_i2 == G.I")};
  for (const Bytes& y : invalid) {
    auto r = scalar_mult_vfy(s, y);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, v1::CODE_REFUSED);
  }
}

TEST(CpacePrimitives, ScalarMultVfyRejectsWrongSizes) {
  const Bytes s(scalar_bytes, 1);
  EXPECT_FALSE(scalar_mult_vfy(s, Bytes(31, 0)).ok());
  EXPECT_FALSE(scalar_mult_vfy(s, Bytes(33, 0)).ok());
  EXPECT_FALSE(scalar_mult_vfy(Bytes(31, 1), Bytes(32, 0)).ok());
}

TEST(CpacePrimitives, Leb128EncodesLengths) {
  EXPECT_EQ(leb128(0), Bytes({0x00}));
  EXPECT_EQ(leb128(127), Bytes({0x7f}));
  EXPECT_EQ(leb128(128), Bytes({0x80, 0x01}));
  EXPECT_EQ(leb128(300), Bytes({0xac, 0x02}));
  EXPECT_EQ(leb128(16384), Bytes({0x80, 0x80, 0x01}));
}

TEST(CpacePrimitives, PrependLenAndLvCat) {
  const Bytes abc = {'a', 'b', 'c'};
  EXPECT_EQ(prepend_len(abc), Bytes({3, 'a', 'b', 'c'}));
  EXPECT_EQ(prepend_len({}), Bytes({0}));
  EXPECT_EQ(lv_cat({abc, ByteView{}, abc}), Bytes({3, 'a', 'b', 'c', 0, 3, 'a', 'b', 'c'}));
  const Bytes long_data(200, 7);
  const Bytes lv = prepend_len(long_data);
  ASSERT_EQ(lv.size(), 202u);
  EXPECT_EQ(lv[0], 0xc8);
  EXPECT_EQ(lv[1], 0x01);
}

TEST(CpacePrimitives, ZeroPaddingVanishesForLongPasswords) {
  const Bytes long_prs(200, 'p');
  EXPECT_EQ(generator_zpad_length(as_bytes(cpace_dsi), long_prs, hash_block_bytes), 0u);
  const crypto::SecureBytes gen =
      generator_string(as_bytes(cpace_dsi), long_prs, ByteView{}, ByteView{}, hash_block_bytes);
  // lv(DSI) + lv(PRS) + lv(empty zpad) + lv(CI) + lv(sid)
  EXPECT_EQ(gen.size(), (1 + cpace_dsi.size()) + (2 + 200) + 1 + 1 + 1);
}

TEST(CpacePrimitives, OrderedConcatenationPrefersLongerOnEqualPrefix) {
  const Bytes y(point_bytes, 5);
  const Bytes ad_short = {'x'};
  const Bytes ad_long = {'x', 'y'};
  // lv_cat(y, "x") and lv_cat(y, "xy") differ first at the AD length byte (1 < 2).
  const Bytes t = transcript_oc(y, ad_short, y, ad_long);
  EXPECT_EQ(t, concat(concat(Bytes({'o', 'c'}), lv_cat({y, ad_long})), lv_cat({y, ad_short})));
  EXPECT_EQ(transcript_oc(y, ad_long, y, ad_short), t);
}

}  // namespace
}  // namespace pairspace::pake
