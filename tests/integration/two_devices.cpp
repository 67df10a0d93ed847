#include "two_devices.hpp"

namespace pairspace::itest {

void TwoDevices::SetUp() {
  PairspaceTest::SetUp();
  alex = init_device("alex", alex_name);
  sam = init_device("sam", sam_name);
}

void TwoDevices::start_both() {
  ASSERT_GT(start_daemon_at(alex), 0);
  ASSERT_GT(start_daemon_at(sam), 0);
  alex_address = listen_address_of(alex);
  sam_address = listen_address_of(sam);
  ASSERT_FALSE(alex_address.empty() || sam_address.empty());
  ASSERT_NE(alex_address, sam_address);
}

nlohmann::json TwoDevices::invite(const fs::path& inviter, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"pair", "invite", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = cli_at(inviter, args);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  auto parsed = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_TRUE(parsed.is_object() && parsed.contains("code")) << r.describe();
  return parsed.is_object() ? parsed : nlohmann::json::object();
}

nlohmann::json TwoDevices::pair(const std::string& join_address) {
  auto made = invite(alex);
  const std::string code = made.value("code", "");
  EXPECT_FALSE(code.empty());
  auto r = cli_at(sam, {"pair", "join", "--peer", join_address.empty() ? alex_address : join_address, code, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  auto parsed = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_TRUE(parsed.is_object()) << r.describe();
  return parsed.is_object() ? parsed : nlohmann::json();
}

nlohmann::json TwoDevices::peer_json(const fs::path& at) {
  auto r = cli_at(at, {"peer", "--json"});
  if (r.exit_code != 0) return nlohmann::json();
  auto parsed = nlohmann::json::parse(r.out, nullptr, false);
  return parsed.is_object() ? parsed : nlohmann::json();
}

bool TwoDevices::connected(const fs::path& at) {
  auto info = peer_json(at);
  return info.is_object() && info.value("connected", false);
}

bool TwoDevices::wait_connected(const fs::path& at, std::chrono::milliseconds bound) {
  return eventually([&] { return connected(at); }, bound);
}

bool TwoDevices::wait_both_connected(std::chrono::milliseconds bound) {
  return eventually([&] { return connected(alex) && connected(sam); }, bound);
}

std::string TwoDevices::another_code(const std::string& code) {
  const auto dash = code.find('-');
  if (dash == std::string::npos) return "1-" + code;
  const int number = std::stoi(code.substr(0, dash));
  return std::to_string(number % 99 + 1) + code.substr(dash);
}

}  // namespace pairspace::itest
