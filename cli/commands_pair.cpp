// `pairspace pair invite [--expires DUR] [--wait]` and `pairspace pair join --peer HOST:PORT CODE`.
#include <chrono>
#include <iostream>
#include <limits>
#include <memory>
#include <vector>

#include "app.hpp"
#include "input.hpp"
#include "daemon_client.hpp"
#include "home.hpp"
#include "output.hpp"
#include "partner_text.hpp"
#include "util/timeparse.hpp"

namespace pairspace::cli {

namespace {

// pair_wait may answer up to the daemon's grace for an attempt under way after expiry.
constexpr auto wait_margin = std::chrono::seconds(90);
// Dialling the partner and running both handshakes; the daemon bounds its own part.
constexpr auto join_timeout = std::chrono::seconds(60);
constexpr std::size_t max_code_bytes = 200;

struct InviteFlags {
  std::string expires = "10m";
  bool wait = false;
};

struct JoinFlags {
  std::string peer;
  std::vector<std::string> code;  // "7-amber-lantern-sparrow", or its words given one by one
};

std::string joined_code(const std::vector<std::string>& parts) {
  std::string code;
  for (const auto& part : parts) code += (code.empty() ? "" : " ") + part;
  return code;
}

Result<std::uint32_t> expiry_seconds(const std::string& text) {
  auto life = util::parse_duration(text);
  if (!life) {
    return make_error(v1::CODE_USAGE, "Please give --expires as a duration such as 10m, 30m or 1h.");
  }
  if (life->count() <= 0 || life->count() > std::numeric_limits<std::uint32_t>::max()) {
    return make_error(v1::CODE_USAGE, "An invite needs to last a while; please choose an --expires such as 10m.");
  }
  return static_cast<std::uint32_t>(life->count());
}

void print_invite(const v1::PairInvite& invite, bool waiting) {
  std::cout << "Your pairing code:\n\n    " << invite.code() << "\n\n";
  std::cout << "It works once, until " << util::format_local(from_timestamp(invite.expires_at()), std::chrono::system_clock::now())
            << " (local time). Share it with your partner in person or over a channel you trust.\n";
  if (invite.addresses().empty()) {
    std::cout << "This device has no address your partner could reach; start the daemon with "
                 "`pairspace daemon start --listen HOST:PORT` and make a new invite.\n";
    return;
  }
  std::cout << "\nOn your partner's device, run:\n\n    pairspace pair join --peer " << invite.addresses(0) << ' '
            << invite.code() << "\n\n";
  if (invite.addresses_size() > 1) {
    std::cout << "If that address does not reach this device, this one can be reached at:\n";
    for (int i = 1; i < invite.addresses_size(); ++i) std::cout << "    " << invite.addresses(i) << '\n';
    std::cout << '\n';
  }
  if (waiting) {
    std::cout << "Waiting for your partner to join...\n";
  } else {
    std::cout << "Once they have joined, `pairspace peer` shows the safety number to compare.\n";
  }
  std::cout << std::flush;
}

int invite(const Globals& globals, const InviteFlags& flags) {
  auto seconds = expiry_seconds(flags.expires);
  if (!seconds) return report(globals, seconds.error());
  auto home = resolve_home(globals);
  if (!home) return report(globals, home.error());
  v1::Request request;
  request.mutable_pair_invite()->set_expires_seconds(seconds.value());
  auto response = ask_daemon(home.value(), request);
  if (!response) return report(globals, response.error());
  const auto& made = response->pair_invite();
  if (globals.json) {
    print_json(made);  // first line: a script reads the code before the wait ends
  } else {
    print_invite(made, flags.wait);
  }
  if (!flags.wait) return 0;

  const auto left = from_timestamp(made.expires_at()) - std::chrono::system_clock::now();
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::max<std::chrono::system_clock::duration>(left, std::chrono::seconds(0)) + wait_margin);
  v1::Request wait;
  wait.mutable_pair_wait();
  auto outcome = ask_daemon(home.value(), wait, timeout);
  if (!outcome) return report(globals, outcome.error());
  if (globals.json) {
    print_json(outcome->peer_info());
  } else {
    std::cout << '\n' << paired_text(outcome->peer_info()) << '\n';
  }
  return 0;
}

int join(const Globals& globals, const JoinFlags& flags) {
  if (flags.peer.empty() || flags.peer.size() > max_address_bytes || !valid_utf8(flags.peer)) {
    return report(globals, v1::CODE_USAGE,
                  "Please give the inviting device's address as HOST:PORT, as `pair invite` printed it.");
  }
  const std::string code = joined_code(flags.code);
  if (code.empty() || code.size() > max_code_bytes || !valid_utf8(code)) {
    return report(globals, v1::CODE_USAGE,
                  "Please give the code your partner's device showed, like 7-amber-lantern-sparrow.");
  }
  auto home = resolve_home(globals);
  if (!home) return report(globals, home.error());
  v1::Request request;
  request.mutable_pair_join()->set_peer(flags.peer);
  request.mutable_pair_join()->set_code(code);
  auto response = ask_daemon(home.value(), request, join_timeout);
  if (!response) return report(globals, response.error());
  if (globals.json) {
    print_json(response->peer_info());
  } else {
    std::cout << paired_text(response->peer_info()) << '\n';
  }
  return 0;
}

}  // namespace

void add_pair_commands(CLI::App& app, Globals& globals, Commands& commands) {
  auto* pair = app.add_subcommand("pair", "Pair this device with your partner's (one time)");
  pair->require_subcommand(1);

  auto invite_flags = std::make_shared<InviteFlags>();
  auto* invite_cmd = pair->add_subcommand("invite", "Print a one-time code and the addresses to reach this device");
  invite_cmd->add_option("--expires", invite_flags->expires, "How long the code stays valid (default 10m)")
      ->type_name("DUR");
  invite_cmd->add_flag("--wait", invite_flags->wait, "Wait until paired or the code expired");
  commands.on(invite_cmd, [&globals, invite_flags] { return invite(globals, *invite_flags); });

  auto join_flags = std::make_shared<JoinFlags>();
  auto* join_cmd = pair->add_subcommand("join", "Pair with the inviting device using its code");
  join_cmd->add_option("--peer", join_flags->peer, "The inviting device's HOST:PORT")
      ->type_name("HOST:PORT")
      ->required();
  join_cmd->add_option("CODE", join_flags->code, "The one-time code, e.g. 7-amber-lantern-sparrow (spaces work too)")
      ->type_name("CODE")
      ->required();
  commands.on(join_cmd, [&globals, join_flags] { return join(globals, *join_flags); });
}

}  // namespace pairspace::cli
