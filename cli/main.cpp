// pairspace: the command-line client (CLI.md). Parses, finds the chosen command,
// runs it, and turns every outcome into an exit status and one clear sentence.
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app.hpp"
#include "output.hpp"
#include "shared_commands.hpp"

#ifndef PAIRSPACE_VERSION
#define PAIRSPACE_VERSION "unknown"
#endif

namespace {

using pairspace::cli::Commands;
using pairspace::cli::Globals;

// The deepest command the person chose, e.g. `journal list`; the root app if none.
const CLI::App* chosen_command(const CLI::App& app) {
  const CLI::App* current = &app;
  for (;;) {
    auto chosen = current->get_subcommands();
    if (chosen.empty()) return current;
    current = chosen.front();
  }
}

std::string command_path(const CLI::App* command) {
  std::string path;
  for (const CLI::App* c = command; c != nullptr; c = c->get_parent()) {
    path = path.empty() ? c->get_name() : c->get_name() + " " + path;
  }
  return path;
}

// "add, list, show or delete": the commands `command` offers.
std::string offered(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::App* sub : command.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

// The word after the chosen command, when one was typed (`journal lst` -> "lst"): the
// arguments that are not options, past the names of the commands chosen so far.
std::optional<std::string> word_after(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> words;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
    if (arg == "--home") {
      ++i;  // its value
    } else if (!arg.starts_with("-")) {
      words.push_back(arg);
    }
  }
  std::size_t depth = 0;
  for (const CLI::App* c = chosen_command(app); c != &app; c = c->get_parent()) ++depth;
  if (words.size() <= depth) return std::nullopt;
  return words[depth];
}

int usage_error(const Globals& globals, const CLI::App& app, const std::string& what,
                std::optional<std::string> unknown = std::nullopt) {
  const CLI::App& command = *chosen_command(app);
  const std::string help = command_path(&command) + " --help";
  std::string sentence = what;
  if (what == "A subcommand is required") {
    sentence = unknown ? "`" + command_path(&command) + "` has no command \"" + *unknown +
                             "\"; it has " + offered(command)
                       : "Please choose a command: " + offered(command);
  }
  if (!sentence.empty() && sentence.back() != '.') sentence += '.';
  sentence += " Run `" + help + "` to see what it accepts.";
  return pairspace::cli::report(globals, pairspace::v1::CODE_USAGE, sentence);
}

int run(int argc, char** argv) {
  Globals globals;
  Commands commands;
  CLI::App app{"pairspace: space signals and agreements between two partners' devices, "
               "end-to-end encrypted, no server; plus a private journal.",
               "pairspace"};
  app.fallthrough();  // --home / --json work before or after the command
  app.require_subcommand(1);
  app.set_version_flag("--version", "pairspace " PAIRSPACE_VERSION);
  app.add_option("--home", globals.home,
                 "This device's home (else $PAIRSPACE_HOME, else $XDG_DATA_HOME/pairspace)")->type_name("DIR");
  app.add_flag("--json", globals.json, "Print one JSON object instead of prose");
  app.footer("Every command also takes --home DIR and --json. Exit status: 0 ok, 1 usage, "
             "2 daemon not running, 3 not set up / locked, 4 refused, 5 I/O or store error.");

  pairspace::cli::add_device_commands(app, globals, commands);
  pairspace::cli::add_daemon_commands(app, globals, commands);
  pairspace::cli::add_journal_commands(app, globals, commands);
  pairspace::cli::add_pair_commands(app, globals, commands);
  pairspace::cli::add_peer_commands(app, globals, commands);
  pairspace::cli::add_space_commands(app, globals, commands);
  pairspace::cli::add_agree_commands(app, globals, commands);
  pairspace::cli::add_watch_command(app, globals, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --help-all, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(globals, app, e.what(), word_after(app, argc, argv));
  }
  const CLI::App* command = chosen_command(app);
  const auto* handler = commands.find(command);
  if (handler == nullptr) {
    return usage_error(globals, app, "Please choose a command");
  }
  return (*handler)();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "Something unexpected went wrong (" << e.what()
              << "); please try again, and report it if it keeps happening.\n";
  } catch (...) {
    std::cerr << "Something unexpected went wrong; please try again, and report it if it keeps happening.\n";
  }
  return 5;
}
