#pragma once
// pairspaced's command line: `pairspaced [--home DIR] [--listen HOST:PORT]`, --help, --version.
// Home: --home, else $PAIRSPACE_HOME, else $XDG_DATA_HOME/pairspace, else ~/.local/share/pairspace.
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "daemon/daemon.hpp"
#include "util/result.hpp"

namespace pairspace::daemon {

struct CommandLine {
  DaemonOptions options;
  std::optional<std::string> print_and_exit;  // --help / --version text: print it, exit 0
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// Reads the process environment.
std::optional<std::string> process_env(std::string_view name);

// Bad flags: CODE_USAGE with one sentence.
Result<CommandLine> parse_command_line(std::span<const std::string_view> args,
                                       const EnvLookup& env = process_env);

std::string usage_text();

}  // namespace pairspace::daemon
