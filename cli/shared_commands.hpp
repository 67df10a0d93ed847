#pragma once
// The shared-state commands (space, checkin, agree, calendar, history, watch) and the
// steps they have in common: ask the daemon for a change, then tell the person, honestly,
// whether the partner's device has it yet.
#include <functional>
#include <string>

#include "app.hpp"
#include "pairspace.pb.h"
#include "util/result.hpp"

namespace pairspace::cli {

void add_space_commands(CLI::App& app, Globals& globals, Commands& commands);   // space, checkin
void add_agree_commands(CLI::App& app, Globals& globals, Commands& commands);   // agree, calendar, history
void add_watch_command(CLI::App& app, Globals& globals, Commands& commands);    // watch

// What a change command needs to print its prose.
struct ChangeContext {
  std::string partner;           // the partner's name, or "your partner"
  bool partner_connected = false;
  v1::ChangeResult result;
  v1::DaemonStatus after;        // a status taken after the change (may be empty)
};

// Sends `request` (a change) to this home's daemon. With --json prints the ChangeResult;
// else calls `prose` with the context. `wait_own_status`: for own space changes, waits
// briefly for a connected partner's device to confirm before printing.
int run_change(const Globals& globals, const v1::Request& request, bool wait_own_status,
               const std::function<std::string(const ChangeContext&)>& prose);

// Sends a request and returns the response, reporting errors (exit status in `exit`).
Result<v1::Response> ask_for(const Globals& globals, const v1::Request& request);

}  // namespace pairspace::cli
