// pairspaced: parse the command line, create the daemon, run it. Exit status = CLI.md's codes.
#include <csignal>
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "daemon/daemon.hpp"
#include "daemon/options.hpp"

int main(int argc, char** argv) {
  using namespace pairspace;
  try {
    std::signal(SIGPIPE, SIG_IGN);
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    auto line = daemon::parse_command_line(args);
    if (!line) {
      std::cerr << "pairspaced: " << line.error().message << "\n";
      return static_cast<int>(line.error().code);
    }
    if (line->print_and_exit) {
      std::cout << *line->print_and_exit;
      return 0;
    }
    auto instance = daemon::Daemon::create(std::move(line->options));
    if (!instance) {
      std::cerr << "pairspaced: " << instance.error().message << "\n";
      return static_cast<int>(instance.error().code);
    }
    return (*instance)->run();
  } catch (const std::exception& e) {
    std::cerr << "pairspaced: stopped on an unexpected error (" << e.what()
              << "). Please report it; restart with `pairspace daemon start`.\n";
    return 5;
  }
}
