// `pairspace agree ...`, `calendar` and `history`.
#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <memory>

#include "daemon_client.hpp"
#include "home.hpp"
#include "output.hpp"
#include "shared_commands.hpp"
#include "shared_output.hpp"

namespace pairspace::cli {

namespace {

constexpr mode_t calendar_file_mode = 0644;

struct AgreeFlags {
  std::string checkin, tz, ritual, boundary, note, id, out;
  bool floating = false;
  bool all = false;
  unsigned limit = 0;
};

std::string delivery_line(const ChangeContext& c) {
  const auto& r = c.result;
  return delivery_sentence(r.delivery(), r.has_delivered_at() ? &r.delivered_at() : nullptr, c.partner,
                           c.partner_connected);
}

// The summary the daemon wrote, then whether the partner's device has it.
std::string summary_prose(const ChangeContext& c, const std::string& fallback) {
  const std::string& summary = c.result.summary();
  std::string out = summary.empty() ? fallback : summary;
  const bool delivered = c.result.delivery() == v1::DELIVERY_DELIVERED || c.result.delivery() == v1::DELIVERY_ACKNOWLEDGED;
  // The daemon's summary may already say where the change is; never repeat it.
  const bool says_where = summary.find("on its way") != std::string::npos ||
                          summary.find("not reachable") != std::string::npos;
  if (delivered || !says_where) out += " " + delivery_line(c);
  return out + "\n";
}

int propose(const Globals& globals, const AgreeFlags& f, bool amend) {
  v1::Request request;
  auto& p = *request.mutable_agree_propose();
  if (!f.checkin.empty()) {
    p.set_kind(v1::AGREEMENT_KIND_CHECKIN);
    p.set_text(f.checkin);
  } else if (!f.ritual.empty()) {
    p.set_kind(v1::AGREEMENT_KIND_RITUAL);
    p.set_text(f.ritual);
  } else if (!f.boundary.empty()) {
    p.set_kind(v1::AGREEMENT_KIND_BOUNDARY);
    p.set_text(f.boundary);
  } else {
    return report(globals, v1::CODE_USAGE,
                  "Please say what to agree on: `--checkin \"daily 21:00\"`, `--ritual TEXT` or `--boundary TEXT`.");
  }
  if ((!f.tz.empty() || f.floating) && p.kind() != v1::AGREEMENT_KIND_CHECKIN) {
    return report(globals, v1::CODE_USAGE, "--tz and --floating only apply to check-ins (`--checkin SPEC`).");
  }
  if (!f.tz.empty() && f.floating) {
    return report(globals, v1::CODE_USAGE,
                  "A check-in either follows one zone (--tz) or each partner's own zone (--floating); please choose one.");
  }
  if (!valid_utf8(p.text()) || !valid_utf8(f.note)) {
    return report(globals, v1::CODE_USAGE, "That text is not valid UTF-8; please write it again in plain text.");
  }
  p.set_tz(f.tz);
  p.set_floating(f.floating);
  p.set_note(f.note);
  if (amend) p.set_amends(f.id);
  return run_change(globals, request, false, [](const ChangeContext& c) {
    std::string out = summary_prose(c, "Your proposal is shared.");
    if (!c.result.id().empty()) out += "Its id is " + c.result.id() + " (`pairspace agree list`).\n";
    return out;
  });
}

int list(const Globals& globals, const AgreeFlags& f) {
  v1::Request request;
  request.mutable_agree_list()->set_all(f.all);
  auto response = ask_for(globals, request);
  if (!response) return exit_status(response.error().code);
  if (globals.json) {
    print_body_json(response.value());
    return 0;
  }
  const auto& agreements = response->agreements().agreements();
  if (agreements.empty()) {
    std::cout << "No agreements yet. Propose one with `pairspace agree propose --checkin \"daily 21:00\"`, "
                 "`--ritual TEXT` or `--boundary TEXT`.\n";
    return 0;
  }
  std::string partner = "your partner";
  if (auto home = resolve_home(globals)) {
    if (auto status = probe_daemon(home.value(), std::chrono::seconds(5))) partner = partner_name_of(status.value());
  }
  for (const auto& a : agreements) std::cout << agreement_line(a, partner) << '\n';
  return 0;
}

int respond(const Globals& globals, const AgreeFlags& f, bool accept) {
  if (!valid_utf8(f.note)) return report(globals, v1::CODE_USAGE, "That note is not valid UTF-8; please write it again.");
  v1::Request request;
  auto& r = *request.mutable_agree_respond();
  r.set_id(f.id);
  r.set_accept(accept);
  r.set_note(f.note);
  return run_change(globals, request, false, [accept](const ChangeContext& c) {
    return summary_prose(c, accept ? "You agreed." : "You declined, kindly.");
  });
}

int revoke(const Globals& globals, const AgreeFlags& f) {
  v1::Request request;
  request.mutable_agree_revoke()->set_id(f.id);
  request.mutable_agree_revoke()->set_note(f.note);
  return run_change(globals, request, false,
                    [](const ChangeContext& c) { return summary_prose(c, "You ended that agreement."); });
}

int calendar(const Globals& globals, const AgreeFlags& f) {
  v1::Request request;
  request.mutable_calendar();
  auto response = ask_for(globals, request);
  if (!response) return exit_status(response.error().code);
  const std::string& ics = response->calendar().ics();
  if (f.out.empty()) {
    if (globals.json) {
      print_body_json(response.value());
    } else {
      std::cout << ics << std::flush;
    }
    return 0;
  }
  {
    std::ofstream file(f.out, std::ios::binary | std::ios::trunc);
    if (file) file << ics;
    if (!file || !file.flush()) {
      return report(globals, v1::CODE_STORE, "Could not write the calendar to " + f.out + "; please check the path.");
    }
  }
  ::chmod(f.out.c_str(), calendar_file_mode);
  if (globals.json) {
    print_body_json(response.value());
  } else {
    std::cout << "Wrote the check-in calendar to " << f.out << ".\n";
  }
  return 0;
}

int history(const Globals& globals, const AgreeFlags& f) {
  v1::Request request;
  request.mutable_history()->set_limit(f.limit);
  auto response = ask_for(globals, request);
  if (!response) return exit_status(response.error().code);
  if (globals.json) {
    print_body_json(response.value());
    return 0;
  }
  const auto& entries = response->history().entries();
  if (entries.empty()) {
    std::cout << "Nothing shared yet.\n";
    return 0;
  }
  for (const auto& e : entries) std::cout << local_time(e.at()) << "  " << e.text() << '\n';
  return 0;
}

void add_propose_flags(CLI::App* command, AgreeFlags& f) {
  auto* checkin = command->add_option("--checkin", f.checkin,
                                       "A check-in schedule: `daily 21:00`, `mon,wed,fri 08:30`, `end-of-space`")->type_name("SPEC");
  command->add_option("--tz", f.tz, "The schedule's IANA time zone (default: yours), e.g. Europe/Berlin")->type_name("ZONE");
  command->add_flag("--floating", f.floating, "Check-in times follow each partner's own zone");
  command->add_option("--note", f.note, "A note for your partner")->type_name("TEXT");
  auto* ritual = command->add_option("--ritual", f.ritual, "A ritual to agree on")->type_name("TEXT");
  auto* boundary = command->add_option("--boundary", f.boundary, "A boundary to agree on")->type_name("TEXT");
  checkin->excludes(ritual)->excludes(boundary);
  ritual->excludes(boundary);
}

}  // namespace

void add_agree_commands(CLI::App& app, Globals& globals, Commands& commands) {
  auto f = std::make_shared<AgreeFlags>();
  commands.keep(f);

  auto* agree = app.add_subcommand("agree", "Propose, accept and change agreements with your partner");
  agree->require_subcommand(1);
  auto* propose_cmd = agree->add_subcommand("propose", "Propose a check-in schedule, a ritual or a boundary");
  add_propose_flags(propose_cmd, *f);
  commands.on(propose_cmd, [&globals, f] { return propose(globals, *f, false); });
  auto* list_cmd = agree->add_subcommand("list", "Proposals and active agreements, with short ids");
  list_cmd->add_flag("--all", f->all, "Include declined, revoked and replaced ones");
  commands.on(list_cmd, [&globals, f] { return list(globals, *f); });
  auto* accept = agree->add_subcommand("accept", "Accept a proposal");
  accept->add_option("ID", f->id, "The proposal's short id")->type_name("ID")->required();
  commands.on(accept, [&globals, f] { return respond(globals, *f, true); });
  auto* decline = agree->add_subcommand("decline", "Decline a proposal");
  decline->add_option("ID", f->id, "The proposal's short id")->type_name("ID")->required();
  decline->add_option("--note", f->note, "A note for your partner")->type_name("TEXT");
  commands.on(decline, [&globals, f] { return respond(globals, *f, false); });
  auto* revoke_cmd = agree->add_subcommand("revoke", "End an active agreement");
  revoke_cmd->add_option("ID", f->id, "The agreement's short id")->type_name("ID")->required();
  commands.on(revoke_cmd, [&globals, f] { return revoke(globals, *f); });
  auto* amend = agree->add_subcommand("amend", "Propose a change to an agreement (same flags as propose)");
  amend->add_option("ID", f->id, "The agreement's short id")->type_name("ID")->required();
  add_propose_flags(amend, *f);
  commands.on(amend, [&globals, f] { return propose(globals, *f, true); });

  auto* calendar_cmd = app.add_subcommand("calendar", "iCalendar (RFC 5545) of the active check-in agreements");
  calendar_cmd->add_option("--out", f->out, "Write to FILE instead of stdout")->type_name("FILE");
  commands.on(calendar_cmd, [&globals, f] { return calendar(globals, *f); });

  auto* history_cmd = app.add_subcommand("history", "The shared timeline, newest first");
  history_cmd->add_option("--limit", f->limit, "Show at most N events")->type_name("N")->check(CLI::PositiveNumber);
  commands.on(history_cmd, [&globals, f] { return history(globals, *f); });
}

}  // namespace pairspace::cli
