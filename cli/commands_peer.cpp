// `pairspace peer`, `peer address HOST:PORT`, `peer forget [--yes]`: the partner.
#include <iostream>
#include <memory>
#include <string>

#include "app.hpp"
#include "daemon_client.hpp"
#include "home.hpp"
#include "input.hpp"
#include "output.hpp"
#include "partner_text.hpp"

namespace pairspace::cli {

namespace {

constexpr std::size_t max_answer_bytes = 64;

struct ForgetFlags {
  bool yes = false;
};

// The daemon's own sentence, or the not-paired advice when it gave none.
int report_peer_error(const Globals& globals, const Error& error) {
  if (error.code == v1::CODE_NOT_READY && error.message.empty()) {
    return report(globals, v1::CODE_NOT_READY, not_paired_sentence());
  }
  return report(globals, error);
}

Result<v1::PeerInfo> current_partner(const fs::path& home) {
  v1::Request request;
  request.mutable_peer_show();
  auto response = ask_daemon(home, request);
  if (!response) return response.error();
  return response->peer_info();
}

int show(const Globals& globals) {
  auto home = resolve_home(globals);
  if (!home) return report(globals, home.error());
  auto partner = current_partner(home.value());
  if (!partner) return report_peer_error(globals, partner.error());
  if (globals.json) {
    print_json(partner.value());
  } else {
    std::cout << peer_details(partner.value())
              << "Compare the safety number with the one on your partner's screen; they should match.\n";
  }
  return 0;
}

int set_address(const Globals& globals, const std::string& address) {
  if (address.empty() || address.size() > max_address_bytes || !valid_utf8(address)) {
    return report(globals, v1::CODE_USAGE, "Please give your partner's address as HOST:PORT, e.g. 192.168.1.20:4100.");
  }
  auto home = resolve_home(globals);
  if (!home) return report(globals, home.error());
  v1::Request request;
  request.mutable_peer_address()->set_address(address);
  auto response = ask_daemon(home.value(), request);
  if (!response) return report_peer_error(globals, response.error());
  const auto& partner = response->peer_info();
  if (globals.json) {
    print_json(partner);
  } else {
    std::cout << "Got it: this device will reach " << (partner.name().empty() ? "your partner" : partner.name())
              << " at " << partner.address() << " from now on (" << connection_text(partner) << ").\n";
  }
  return 0;
}

// Asks on the terminal; true only for an explicit yes.
bool confirmed(const std::string& name) {
  std::cerr << "Stop sharing with " << name
            << "? This removes their keys and everything you share from this device. [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  if (answer.size() > max_answer_bytes) return false;
  for (auto& c : answer) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto first = answer.find_first_not_of(" \t\r");
  if (first == std::string::npos) return false;
  answer = answer.substr(first, answer.find_last_not_of(" \t\r") - first + 1);
  return answer == "y" || answer == "yes";
}

int forget(const Globals& globals, const ForgetFlags& flags) {
  auto home = resolve_home(globals);
  if (!home) return report(globals, home.error());
  auto partner = current_partner(home.value());
  if (!partner) return report_peer_error(globals, partner.error());
  const std::string name = partner->name().empty() ? std::string("your partner") : partner->name();
  if (!flags.yes) {
    if (!stdin_is_terminal()) {
      return report(globals, v1::CODE_USAGE,
                    "Add --yes to confirm that you want to stop sharing with " + name +
                        " (`pairspace peer forget --yes`); nothing has changed.");
    }
    if (!confirmed(name)) {
      say(globals, "Nothing changed; you are still paired with " + name + ".");
      if (globals.json) print_empty_json();
      return 0;
    }
  }
  v1::Request request;
  request.mutable_peer_forget();
  auto response = ask_daemon(home.value(), request);
  if (!response) return report_peer_error(globals, response.error());
  if (globals.json) {
    print_json(response->peer_forget());
  } else if (response->peer_forget().partner_told()) {
    std::cout << "You're no longer paired with " << name << "; their device has let go too.\n";
  } else {
    std::cout << "You're no longer paired with " << name
              << ". Their device wasn't reachable, so it will simply stop hearing from this one.\n";
  }
  return 0;
}

}  // namespace

void add_peer_commands(CLI::App& app, Globals& globals, Commands& commands) {
  auto* peer = app.add_subcommand("peer", "Your partner: name, device id, safety number, address, connection");
  commands.on(peer, [&globals] { return show(globals); });

  auto address = std::make_shared<std::string>();
  auto* address_cmd = peer->add_subcommand("address", "Update where to reach your partner");
  address_cmd->add_option("HOST:PORT", *address, "The partner's address")->type_name("HOST:PORT")->required();
  commands.on(address_cmd, [&globals, address] { return set_address(globals, *address); });

  auto flags = std::make_shared<ForgetFlags>();
  auto* forget_cmd = peer->add_subcommand("forget", "Unpair: drop the partner's keys and all shared state");
  forget_cmd->add_flag("--yes", flags->yes, "Do not ask for confirmation");
  commands.on(forget_cmd, [&globals, flags] { return forget(globals, *flags); });
}

}  // namespace pairspace::cli
