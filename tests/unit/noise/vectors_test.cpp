// Known-answer test: every cacophony vector we can run (DH 25519, ChaChaPoly, BLAKE2b /
// SHA512 / SHA256, an implemented pattern) must reproduce every ciphertext, payload and
// the handshake hash, first through the handshake and then through the split() ciphers.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "noise/handshake_state.hpp"
#include "test_support.hpp"

namespace pairspace::noise {
namespace {

using nlohmann::json;
using test::from_hex;
using test::to_hex;

constexpr std::string_view vector_file = PAIRSPACE_TEST_DATA "/cacophony.txt";

struct ProtocolParts {
  std::string pattern, dh, cipher, hash;
};

std::optional<ProtocolParts> split_name(const std::string& name) {
  // Noise_<pattern>_<dh>_<cipher>_<hash>
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = name.find('_', start);
    parts.push_back(name.substr(start, at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  if (parts.size() != 5 || parts[0] != "Noise") return std::nullopt;
  return ProtocolParts{parts[1], parts[2], parts[3], parts[4]};
}

HandshakeConfig config_for(const json& v, const std::string& side, bool initiator) {
  HandshakeConfig config;
  config.protocol_name = v.at("protocol_name").get<std::string>();
  config.initiator = initiator;
  config.prologue = from_hex(v.at(side + "_prologue").get<std::string>());
  if (v.contains(side + "_static")) {
    config.static_private =
        crypto::SecureBytes(from_hex(v.at(side + "_static").get<std::string>()));
  }
  if (v.contains(side + "_ephemeral")) {
    config.ephemeral_private =
        crypto::SecureBytes(from_hex(v.at(side + "_ephemeral").get<std::string>()));
  }
  if (v.contains(side + "_remote_static")) {
    config.remote_static =
        test::public_key_from_hex(v.at(side + "_remote_static").get<std::string>());
  }
  if (v.contains(side + "_psks")) {
    for (const json& psk : v.at(side + "_psks")) {
      config.psks.emplace_back(from_hex(psk.get<std::string>()));
    }
  }
  return config;
}

// Runs one vector; failures are reported through gtest with the protocol name in scope.
void run_vector(const json& v) {
  Result<HandshakeState> init = HandshakeState::initialize(config_for(v, "init", true));
  Result<HandshakeState> resp = HandshakeState::initialize(config_for(v, "resp", false));
  ASSERT_TRUE(init.ok()) << init.error().message;
  ASSERT_TRUE(resp.ok()) << resp.error().message;

  std::optional<TransportCiphers> init_ciphers;
  std::optional<TransportCiphers> resp_ciphers;
  const bool one_way = init->protocol().pattern.one_way();
  const json& messages = v.at("messages");
  for (std::size_t i = 0; i < messages.size(); ++i) {
    SCOPED_TRACE("message " + std::to_string(i));
    const Bytes payload = from_hex(messages[i].at("payload").get<std::string>());
    const std::string expected = messages[i].at("ciphertext").get<std::string>();
    const bool initiator_sends = one_way || i % 2 == 0;

    if (!init_ciphers) {
      HandshakeState& writer = initiator_sends ? *init : *resp;
      HandshakeState& reader = initiator_sends ? *resp : *init;
      ASSERT_TRUE(writer.is_my_turn());
      Result<Bytes> sent = writer.write_message(payload);
      ASSERT_TRUE(sent.ok()) << sent.error().message;
      EXPECT_EQ(to_hex(*sent), expected);
      Result<Bytes> received = reader.read_message(*sent);
      ASSERT_TRUE(received.ok()) << received.error().message;
      EXPECT_EQ(to_hex(*received), to_hex(payload));
      ASSERT_EQ(init->is_finished(), resp->is_finished());
      if (init->is_finished()) {
        const std::string hash = v.at("handshake_hash").get<std::string>();
        EXPECT_EQ(to_hex(init->handshake_hash()), hash);
        EXPECT_EQ(to_hex(resp->handshake_hash()), hash);
        Result<TransportCiphers> a = init->split();
        Result<TransportCiphers> b = resp->split();
        ASSERT_TRUE(a.ok() && b.ok());
        init_ciphers = std::move(a).value();
        resp_ciphers = std::move(b).value();
      }
      continue;
    }
    CipherState& send = initiator_sends ? init_ciphers->send : resp_ciphers->send;
    CipherState& recv = initiator_sends ? resp_ciphers->recv : init_ciphers->recv;
    Result<Bytes> sent = send.encrypt_with_ad({}, payload);
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(to_hex(*sent), expected);
    Result<Bytes> received = recv.decrypt_with_ad({}, *sent);
    ASSERT_TRUE(received.ok()) << received.error().message;
    EXPECT_EQ(to_hex(*received), to_hex(payload));
  }
  EXPECT_TRUE(init_ciphers.has_value()) << "handshake never finished";
}

TEST(NoiseVectors, CacophonyVectorsReproduce) {
  std::ifstream file{std::string(vector_file)};
  ASSERT_TRUE(file.good()) << "cannot open " << vector_file;
  const json doc = json::parse(file);

  std::map<std::string, std::map<std::string, int>> ran;  // pattern -> hash -> count
  int total = 0;
  int skipped_suite = 0;
  int skipped_pattern = 0;
  for (const json& v : doc.at("vectors")) {
    const std::string name = v.at("protocol_name").get<std::string>();
    const std::optional<ProtocolParts> parts = split_name(name);
    ASSERT_TRUE(parts.has_value()) << name;
    if (parts->dh != "25519" || parts->cipher != "ChaChaPoly" || !hash_from_name(parts->hash)) {
      ++skipped_suite;
      continue;
    }
    if (!find_pattern(parts->pattern).ok()) {
      ++skipped_pattern;
      continue;
    }
    SCOPED_TRACE(name);
    run_vector(v);
    if (testing::Test::HasFatalFailure()) return;
    ++ran[parts->pattern][parts->hash];
    ++total;
  }

  for (const auto& [pattern, by_hash] : ran) {
    std::cout << "  " << pattern << ":";
    for (const auto& [hash, count] : by_hash) std::cout << ' ' << hash << '=' << count;
    std::cout << '\n';
  }
  std::cout << "cacophony: ran " << total << " vectors across " << ran.size()
            << " patterns; skipped " << skipped_suite << " (other DH/cipher/hash) and "
            << skipped_pattern << " (unimplemented pattern)\n";

  ASSERT_GT(total, 0);
  for (const char* pattern : {"XX", "KK", "XXpsk3", "IK", "NN", "NNpsk0", "NNpsk2", "IKpsk1",
                              "IKpsk2", "KKpsk0", "KKpsk2"}) {
    for (const char* hash : {"BLAKE2b", "SHA512", "SHA256"}) {
      EXPECT_GE(ran[pattern][hash], 1) << pattern << " with " << hash << " did not run";
    }
  }
}

}  // namespace
}  // namespace pairspace::noise
