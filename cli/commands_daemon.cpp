// `pairspace daemon start | stop | status`.
#include <iostream>
#include <memory>

#include "app.hpp"
#include "daemon_client.hpp"
#include "daemon_launcher.hpp"
#include "home.hpp"
#include "output.hpp"

namespace pairspace::cli {

namespace {

void print_daemon_status(const v1::DaemonStatus& status) {
  std::cout << "pairspaced is running (pid " << status.pid();
  if (!status.listen_address().empty()) std::cout << ", listening on " << status.listen_address();
  std::cout << ").\n";
  if (!status.version().empty()) std::cout << "  version  " << status.version() << '\n';
  std::cout << "  home     " << status.home() << '\n';
  if (status.locked()) {
    std::cout << "  store    locked: unlock it with `pairspace unlock --passphrase-stdin`\n";
  } else {
    std::cout << "  store    unlocked\n";
  }
  if (!status.paired()) {
    std::cout << "  partner  not paired yet\n";
  } else {
    std::cout << "  partner  ";
    if (status.has_partner() && !status.partner().name().empty()) std::cout << status.partner().name() << ", ";
    std::cout << (status.partner_connected() ? "connected" : "not connected right now") << '\n';
  }
  if (!status.notice().empty()) std::cout << "  note     " << status.notice() << '\n';
}

int daemon_status(const Globals& globals) {
  auto home = resolve_home(globals);
  if (!home) return report(globals, home.error());
  v1::Request request;
  request.mutable_status();
  auto response = ask_daemon(home.value(), request);
  if (!response) return report(globals, response.error());
  if (globals.json) {
    print_json(response->daemon_status());
  } else {
    print_daemon_status(response->daemon_status());
  }
  return 0;
}

}  // namespace

void add_daemon_commands(CLI::App& app, Globals& globals, Commands& commands) {
  auto* daemon = app.add_subcommand("daemon", "Start, stop or look at this device's background daemon");
  daemon->require_subcommand(1);

  auto listen = std::make_shared<std::string>();
  auto* start = daemon->add_subcommand("start", "Start pairspaced in the background; returns once it answers");
  start->add_option("--listen", *listen, "Where to listen for the partner, HOST:PORT (port 0 picks a free one)")->type_name("HOST:PORT");
  commands.on(start, [&globals, listen] {
    auto home = resolve_home(globals);
    if (!home) return report(globals, home.error());
    return launch_daemon(globals, home.value(), *listen);
  });

  auto* stop = daemon->add_subcommand("stop", "Stop pairspaced and wait until it has finished");
  commands.on(stop, [&globals] {
    auto home = resolve_home(globals);
    if (!home) return report(globals, home.error());
    return stop_daemon(globals, home.value());
  });

  auto* status = daemon->add_subcommand("status", "Show the daemon's pid, listen address, lock and partner connection");
  commands.on(status, [&globals] { return daemon_status(globals); });
}

}  // namespace pairspace::cli
