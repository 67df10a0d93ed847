#pragma once
// Shared pieces of the `pairspace` command-line client: global options, the registry
// that maps each (sub)command to its handler, and the functions that add each group.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace pairspace::cli {

namespace fs = std::filesystem;

// Options every command accepts (CLI.md "Common").
struct Globals {
  std::string home;   // --home (else $PAIRSPACE_HOME, else the XDG default)
  bool json = false;  // --json: one JSON object on stdout instead of prose
};

// A command's work; returns the process exit status (CLI.md).
using Handler = std::function<int()>;

class Commands {
 public:
  void on(const CLI::App* command, Handler handler) { m_handlers[command] = std::move(handler); }
  const Handler* find(const CLI::App* command) const {
    auto it = m_handlers.find(command);
    return it == m_handlers.end() ? nullptr : &it->second;
  }
  // Keeps option storage alive for as long as the parse and the handlers need it.
  void keep(std::shared_ptr<void> storage) { m_storage.push_back(std::move(storage)); }

 private:
  std::map<const CLI::App*, Handler> m_handlers;
  std::vector<std::shared_ptr<void>> m_storage;
};

void add_device_commands(CLI::App& app, Globals& globals, Commands& commands);   // init, unlock, status
void add_daemon_commands(CLI::App& app, Globals& globals, Commands& commands);   // daemon start/stop/status
void add_journal_commands(CLI::App& app, Globals& globals, Commands& commands);  // journal ...
void add_pair_commands(CLI::App& app, Globals& globals, Commands& commands);     // pair invite/join
void add_peer_commands(CLI::App& app, Globals& globals, Commands& commands);     // peer, address, forget
void add_later_commands(CLI::App& app, Globals& globals, Commands& commands);    // not yet available

}  // namespace pairspace::cli
