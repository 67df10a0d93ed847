#pragma once
// Two devices on one machine (Alex and Sam), each with its home and daemon on loopback,
// and the steps the pairing tests share.
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace pairspace::itest {

constexpr auto connect_bound = 15s;  // reconnecting stays within the backoff bound

class TwoDevices : public PairspaceTest {
 protected:
  void SetUp() override;

  // Both homes with their daemons on 127.0.0.1:0; fills the addresses.
  void start_both();

  // `pair invite --json` on `inviter` (asserts success): the PairInvite as JSON.
  nlohmann::json invite(const fs::path& inviter, const std::vector<std::string>& extra = {});
  // Invite on Alex, join on Sam through `join_address` (default Alex's own); asserts both
  // succeed and returns Sam's PeerInfo (JSON).
  nlohmann::json pair(const std::string& join_address = {});

  // `peer --json` parsed; a null JSON value when the command failed.
  nlohmann::json peer_json(const fs::path& at);
  bool connected(const fs::path& at);
  bool wait_connected(const fs::path& at, std::chrono::milliseconds bound = connect_bound);
  bool wait_both_connected(std::chrono::milliseconds bound = connect_bound);

  // A well-formed code that differs from `code` (another number in front).
  static std::string another_code(const std::string& code);

  std::string alex_name = "Alex", sam_name = "Sam";  // set before SetUp to change them
  fs::path alex, sam;
  std::string alex_address, sam_address;  // HOST:PORT each daemon listens on
};

}  // namespace pairspace::itest
