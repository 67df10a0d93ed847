// Commands from CLI.md whose work arrives in later versions: every flag is here already
// (so --help and scripts see the final interface); running one says so kindly.
#include <memory>

#include "app.hpp"
#include "output.hpp"

namespace pairspace::cli {

namespace {

// Values the flags bind to; kept alive for the whole parse.
struct LaterFlags {
  std::string expires = "10m", peer, code, address, duration, until, kind, note, mood, count;
  std::string checkin, tz, ritual, boundary, id, out, limit;
  bool wait = false, yes = false, all = false;
};

void not_yet(Commands& commands, Globals& globals, CLI::App* command, std::string what) {
  commands.on(command, [&globals, what = std::move(what)] {
    return report(globals, v1::CODE_USAGE, what + " not available yet in this version of pairspace.");
  });
}

void add_propose_flags(CLI::App* command, LaterFlags& f) {
  auto* checkin = command->add_option("--checkin", f.checkin,
                                       "A check-in schedule: `daily 21:00`, `mon,wed,fri 08:30`, `end-of-space`")->type_name("SPEC");
  command->add_option("--tz", f.tz, "The schedule's IANA time zone (default: yours), e.g. Europe/Berlin")->type_name("ZONE");
  command->add_option("--note", f.note, "A note for your partner")->type_name("TEXT");
  auto* ritual = command->add_option("--ritual", f.ritual, "A ritual to agree on")->type_name("TEXT");
  auto* boundary = command->add_option("--boundary", f.boundary, "A boundary to agree on")->type_name("TEXT");
  checkin->excludes(ritual)->excludes(boundary);
  ritual->excludes(boundary);
}

}  // namespace

void add_later_commands(CLI::App& app, Globals& globals, Commands& commands) {
  auto f = std::make_shared<LaterFlags>();
  commands.keep(f);

  auto* pair = app.add_subcommand("pair", "Pair this device with your partner's (one time)");
  pair->require_subcommand(1);
  auto* invite = pair->add_subcommand("invite", "Print a one-time code and the addresses to reach this device");
  invite->add_option("--expires", f->expires, "How long the code stays valid (default 10m)")->type_name("DUR");
  invite->add_flag("--wait", f->wait, "Wait until paired or the code expired");
  not_yet(commands, globals, invite, "Pairing is");
  auto* join = pair->add_subcommand("join", "Pair with the inviting device using its code");
  join->add_option("--peer", f->peer, "The inviting device's HOST:PORT")->type_name("HOST:PORT")->required();
  join->add_option("CODE", f->code, "The one-time code, e.g. 7-amber-lantern-sparrow")->type_name("CODE")->required();
  not_yet(commands, globals, join, "Pairing is");

  auto* peer = app.add_subcommand("peer", "Your partner: name, device id, safety number, address, connection");
  not_yet(commands, globals, peer, "Partner details are");
  auto* address = peer->add_subcommand("address", "Update where to reach your partner");
  address->add_option("HOST:PORT", f->address, "The partner's address")->type_name("HOST:PORT")->required();
  not_yet(commands, globals, address, "Partner addresses are");
  auto* forget = peer->add_subcommand("forget", "Unpair: drop the partner's keys and all shared state");
  forget->add_flag("--yes", f->yes, "Do not ask for confirmation");
  not_yet(commands, globals, forget, "Unpairing is");

  auto* space = app.add_subcommand("space", "Signal a need for space, or that you are back");
  space->require_subcommand(1);
  auto* need = space->add_subcommand("need", "Signal a need for space");
  auto* for_opt = need->add_option("--for", f->duration, "For how long: 90s, 45m, 2h, 1h30m, 3d")->type_name("DUR");
  auto* until_opt = need->add_option("--until", f->until, "Until when: 20:00, 2026-12-01T20:00, ISO 8601")->type_name("TIME");
  for_opt->excludes(until_opt);
  need->add_option("--kind", f->kind, "alone, quiet or limited")->type_name("KIND")->check(CLI::IsMember({"alone", "quiet", "limited"}));
  need->add_option("--note", f->note, "A note for your partner")->type_name("TEXT");
  not_yet(commands, globals, need, "Space signals are");
  auto* end = space->add_subcommand("end", "Signal you are back / ready to reconnect");
  end->add_option("--note", f->note, "A note for your partner")->type_name("TEXT");
  not_yet(commands, globals, end, "Space signals are");
  auto* ack = space->add_subcommand("ack", "Acknowledge your partner's request (\"got it, take your time\")");
  ack->add_option("--note", f->note, "A note for your partner")->type_name("TEXT");
  not_yet(commands, globals, ack, "Space signals are");

  auto* checkin = app.add_subcommand("checkin", "Do a check-in");
  checkin->add_option("--mood", f->mood, "How you feel, 1-5")->type_name("1-5")->check(CLI::Range(1, 5));
  checkin->add_option("--note", f->note, "A note for your partner")->type_name("TEXT");
  not_yet(commands, globals, checkin, "Check-ins are");
  auto* next = checkin->add_subcommand("next", "Upcoming agreed check-in times in your zone");
  next->add_option("--count", f->count, "How many to show")->type_name("N")->check(CLI::PositiveNumber);
  not_yet(commands, globals, next, "Check-ins are");

  auto* agree = app.add_subcommand("agree", "Propose, accept and change agreements with your partner");
  agree->require_subcommand(1);
  auto* propose = agree->add_subcommand("propose", "Propose a check-in schedule, a ritual or a boundary");
  add_propose_flags(propose, *f);
  not_yet(commands, globals, propose, "Agreements are");
  auto* list = agree->add_subcommand("list", "Proposals and active agreements, with short ids");
  list->add_flag("--all", f->all, "Include declined, revoked and replaced ones");
  not_yet(commands, globals, list, "Agreements are");
  auto* accept = agree->add_subcommand("accept", "Accept a proposal");
  accept->add_option("ID", f->id, "The proposal's short id")->type_name("ID")->required();
  not_yet(commands, globals, accept, "Agreements are");
  auto* decline = agree->add_subcommand("decline", "Decline a proposal");
  decline->add_option("ID", f->id, "The proposal's short id")->type_name("ID")->required();
  decline->add_option("--note", f->note, "A note for your partner")->type_name("TEXT");
  not_yet(commands, globals, decline, "Agreements are");
  auto* revoke = agree->add_subcommand("revoke", "End an active agreement");
  revoke->add_option("ID", f->id, "The agreement's short id")->type_name("ID")->required();
  not_yet(commands, globals, revoke, "Agreements are");
  auto* amend = agree->add_subcommand("amend", "Propose a change to an agreement (same flags as propose)");
  amend->add_option("ID", f->id, "The agreement's short id")->type_name("ID")->required();
  add_propose_flags(amend, *f);
  not_yet(commands, globals, amend, "Agreements are");

  auto* calendar = app.add_subcommand("calendar", "iCalendar (RFC 5545) of the active check-in agreements");
  calendar->add_option("--out", f->out, "Write to FILE instead of stdout")->type_name("FILE");
  not_yet(commands, globals, calendar, "The calendar export is");

  auto* history = app.add_subcommand("history", "The shared timeline, newest first");
  history->add_option("--limit", f->limit, "Show at most N events")->type_name("N")->check(CLI::PositiveNumber);
  not_yet(commands, globals, history, "The shared history is");

  auto* watch = app.add_subcommand("watch", "Stream events until interrupted (JSON lines with --json)");
  not_yet(commands, globals, watch, "Watching events is");
}

}  // namespace pairspace::cli
