// Commands from CLI.md whose work arrives in later versions: every flag is here already
// (so --help and scripts see the final interface); running one says so kindly.
#include <memory>

#include "app.hpp"
#include "output.hpp"

namespace pairspace::cli {

namespace {

// Values the flags bind to; kept alive for the whole parse.
struct LaterFlags {
  std::string duration, until, kind, note, mood, count;
  std::string checkin, tz, ritual, boundary, id, out, limit;
  bool all = false;
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
