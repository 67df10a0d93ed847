// `pairspace init`, `unlock`, `status`: this device itself.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>

#include "app.hpp"
#include "crypto/secure.hpp"
#include "daemon_client.hpp"
#include "home.hpp"
#include "input.hpp"
#include "output.hpp"
#include "partner_text.hpp"
#include "shared_output.hpp"
#include "store/store.hpp"

namespace pairspace::cli {

namespace {

constexpr std::size_t max_device_name_bytes = 64;
constexpr std::size_t host_name_bytes = 256;

struct InitFlags {
  std::string name;
  bool passphrase_stdin = false;
};

std::string default_device_name() {
  char host[host_name_bytes] = {};
  if (::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') return host;
  return "my device";
}

std::optional<std::string> name_problem(const std::string& name) {
  if (name.empty()) return "Please give the device a name, for example `--name laptop`.";
  if (name.size() > max_device_name_bytes) {
    return "That device name is long; please keep it to " + std::to_string(max_device_name_bytes) + " bytes.";
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return "A device name cannot hold control characters; please choose a plain name.";
    }
  }
  if (!valid_utf8(name)) return "That device name is not valid UTF-8; please choose a plain name.";
  return std::nullopt;
}

int init(const Globals& globals, const InitFlags& flags) {
  auto home = resolve_home(globals);
  if (!home) return report(globals, home.error());
  store::InitOptions options;
  options.name = flags.name.empty() ? default_device_name() : flags.name;
  if (auto problem = name_problem(options.name)) return report(globals, v1::CODE_USAGE, *problem);
  if (flags.passphrase_stdin) {
    auto passphrase = read_passphrase();
    if (!passphrase) return report(globals, passphrase.error());
    options.passphrase = std::move(passphrase).value();
  }
  auto identity = store::init_home(home.value(), std::move(options), std::chrono::system_clock::now());
  if (!identity) return report(globals, identity.error());

  if (globals.json) {
    v1::InitResult result;
    result.set_home(home->string());
    result.set_device_name(identity->name);
    result.set_device_id(identity->device_id);
    result.set_passphrase(flags.passphrase_stdin);
    print_json(result);
    return 0;
  }
  std::cout << "This device is ready: \"" << identity->name << "\".\n"
            << "  device id  " << identity->device_id << '\n'
            << "  home       " << home->string() << '\n'
            << "Next, start the daemon with `pairspace daemon start`";
  if (flags.passphrase_stdin) {
    std::cout << " and unlock the store with `pairspace unlock --passphrase-stdin`";
  }
  std::cout << "; then your private journal is ready (`pairspace journal add`). "
               "To pair with your partner, run `pairspace pair invite` here and follow what it says.\n";
  return 0;
}

int unlock(const Globals& globals, bool passphrase_stdin) {
  if (!passphrase_stdin) {
    return report(globals, v1::CODE_USAGE,
                  "Please pass the passphrase on stdin with `pairspace unlock --passphrase-stdin`.");
  }
  auto home = resolve_home(globals);
  if (!home) return report(globals, home.error());
  if (auto initialised = check_initialised(home.value()); !initialised) return report(globals, initialised.error());
  auto passphrase = read_passphrase();
  if (!passphrase) return report(globals, passphrase.error());
  v1::Request request;
  auto* field = request.mutable_unlock()->mutable_passphrase();
  field->assign(passphrase->view());
  auto response = ask_daemon(home.value(), request, slow_call_timeout);
  crypto::wipe(field->data(), field->size());
  if (!response) return report(globals, response.error());
  if (globals.json) {
    print_body_json(response.value());
  } else {
    std::cout << "Unlocked. Your journal is ready.\n";
  }
  return 0;
}

int status(const Globals& globals) {
  auto home = resolve_home(globals);
  if (!home) return report(globals, home.error());
  v1::Request request;
  request.mutable_status();
  auto response = ask_daemon(home.value(), request);
  if (!response) return report(globals, response.error());
  const auto& daemon = response->daemon_status();
  if (globals.json) {
    print_json(daemon);
    return 0;
  }
  if (daemon.locked()) {
    std::cout << "This device: locked (unlock it with `pairspace unlock --passphrase-stdin`)\n";
  } else {
    std::cout << "This device: " << daemon.device_name() << " (" << daemon.device_id() << ")\n";
  }
  std::cout << "Daemon: running (pid " << daemon.pid();
  if (!daemon.listen_address().empty()) std::cout << ", listening on " << daemon.listen_address();
  std::cout << ")\n";
  if (!daemon.paired()) {
    std::cout << "Not paired yet.\n";
  } else if (daemon.has_partner()) {
    const auto& partner = daemon.partner();
    std::cout << "Partner: " << (partner.name().empty() ? std::string("your partner") : partner.name()) << ", "
              << connection_text(partner) << '\n';
  } else {
    std::cout << "Partner: " << (daemon.partner_connected() ? "connected now" : "not connected right now") << '\n';
  }
  if (!daemon.notice().empty()) std::cout << "Note: " << daemon.notice() << '\n';
  if (daemon.paired()) std::cout << my_space_lines(daemon) << partner_space_lines(daemon) << next_check_in_lines(daemon);
  return 0;
}

}  // namespace

void add_device_commands(CLI::App& app, Globals& globals, Commands& commands) {
  auto flags = std::make_shared<InitFlags>();
  auto* init_cmd = app.add_subcommand("init", "Create this device's identity and encrypted store");
  init_cmd->add_option("--name", flags->name, "The device name your partner will see (default: the host name)")->type_name("NAME");
  init_cmd->add_flag("--passphrase-stdin", flags->passphrase_stdin,
                     "Protect the store with a passphrase read from stdin (then `unlock` after each start)");
  commands.on(init_cmd, [&globals, flags] { return init(globals, *flags); });

  auto unlock_flag = std::make_shared<bool>(false);
  auto* unlock_cmd = app.add_subcommand("unlock", "Unlock a passphrase-protected store in the running daemon");
  unlock_cmd->add_flag("--passphrase-stdin", *unlock_flag, "Read the passphrase from stdin");
  commands.on(unlock_cmd, [&globals, unlock_flag] { return unlock(globals, *unlock_flag); });

  auto* status_cmd = app.add_subcommand("status", "This device, its daemon, and your partner's connection");
  commands.on(status_cmd, [&globals] { return status(globals); });
}

}  // namespace pairspace::cli
