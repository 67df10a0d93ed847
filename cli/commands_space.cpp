// `pairspace space need/end/ack`, `checkin` and `checkin next`.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "daemon_client.hpp"
#include "home.hpp"
#include "output.hpp"
#include "shared_commands.hpp"
#include "shared_output.hpp"
#include "util/timeparse.hpp"

namespace pairspace::cli {

namespace {

constexpr auto delivery_wait = std::chrono::milliseconds(2000);  // a connected partner's confirmation
// Asks again after 5 ms, then twice as long each time up to 100 ms: a connected partner's
// receipt usually comes within milliseconds.
constexpr auto delivery_poll_first = std::chrono::milliseconds(5);
constexpr auto delivery_poll_max = std::chrono::milliseconds(100);
constexpr auto status_timeout = std::chrono::milliseconds(5000);

struct SpaceFlags {
  std::string duration, until, kind, note;
  unsigned mood = 0;
  unsigned count = 0;
};

v1::SpaceKind kind_of(const std::string& text) {
  if (text == "alone") return v1::SPACE_KIND_ALONE;
  if (text == "quiet") return v1::SPACE_KIND_QUIET;
  if (text == "limited") return v1::SPACE_KIND_LIMITED;
  return v1::SPACE_KIND_UNSPECIFIED;
}

std::optional<std::string> note_problem(const std::string& note) {
  if (!valid_utf8(note)) return "That note is not valid UTF-8; please write it again in plain text.";
  return std::nullopt;
}

std::string shared_with(const ChangeContext& c, const std::string& what) {
  const auto& r = c.result;
  return "Shared with " + c.partner + ": " + what + ". " +
         delivery_sentence(r.delivery(), r.has_delivered_at() ? &r.delivered_at() : nullptr, c.partner,
                           c.partner_connected) + "\n";
}

int space_need(const Globals& globals, const SpaceFlags& f) {
  v1::Request request;
  auto& need = *request.mutable_space_need();
  const auto now = std::chrono::system_clock::now();
  if (!f.duration.empty()) {
    auto d = util::parse_duration(f.duration);
    if (!d) return report(globals, d.error());
    if (d.value().count() <= 0) return report(globals, v1::CODE_USAGE, "Please give a duration longer than zero, e.g. `--for 2h`.");
    *need.mutable_until() = to_timestamp(now + d.value());
  } else if (!f.until.empty()) {
    auto t = util::parse_time(f.until, now, util::TimeDirection::future);
    if (!t) return report(globals, t.error());
    *need.mutable_until() = to_timestamp(t.value());
  }
  need.set_kind(kind_of(f.kind));
  if (auto problem = note_problem(f.note)) return report(globals, v1::CODE_USAGE, *problem);
  need.set_note(f.note);
  const v1::SpaceNeedRequest copy = need;
  return run_change(globals, request, true, [copy](const ChangeContext& c) {
    std::string what = "you need " + space_kind_text(copy.kind());
    what += copy.has_until() ? " until " + local_time(copy.until()) : std::string(" for now (no end time)");
    return shared_with(c, what + quoted_note(copy.note()));
  });
}

int space_end(const Globals& globals, const SpaceFlags& f) {
  if (auto problem = note_problem(f.note)) return report(globals, v1::CODE_USAGE, *problem);
  v1::Request request;
  request.mutable_space_end()->set_note(f.note);
  const std::string note = f.note;
  return run_change(globals, request, true, [note](const ChangeContext& c) {
    return shared_with(c, "you are back and ready to reconnect" + quoted_note(note));
  });
}

int space_ack(const Globals& globals, const SpaceFlags& f) {
  if (auto problem = note_problem(f.note)) return report(globals, v1::CODE_USAGE, *problem);
  v1::Request request;
  request.mutable_space_ack()->set_note(f.note);
  const std::string note = f.note;
  return run_change(globals, request, false, [note](const ChangeContext& c) {
    return shared_with(c, "you saw their request for space" + quoted_note(note));
  });
}

int check_in(const Globals& globals, const SpaceFlags& f) {
  if (auto problem = note_problem(f.note)) return report(globals, v1::CODE_USAGE, *problem);
  v1::Request request;
  request.mutable_check_in()->set_mood(f.mood);
  request.mutable_check_in()->set_note(f.note);
  const v1::CheckInRequest copy = request.check_in();
  return run_change(globals, request, false, [copy](const ChangeContext& c) {
    std::string what = "your check-in";
    if (copy.mood() != 0) what += " (mood " + std::to_string(copy.mood()) + " of 5)";
    return shared_with(c, what + quoted_note(copy.note()));
  });
}

int check_in_next(const Globals& globals, const SpaceFlags& f) {
  v1::Request request;
  request.mutable_check_in_next()->set_count(f.count);
  auto response = ask_for(globals, request);
  if (!response) return exit_status(response.error().code);
  if (globals.json) {
    print_body_json(response.value());
    return 0;
  }
  const auto& times = response->check_in_times().times();
  if (times.empty()) {
    std::cout << "No check-ins are agreed yet. Propose one with `pairspace agree propose --checkin \"daily 21:00\"`.\n";
    return 0;
  }
  std::cout << "Upcoming check-ins (your time):\n";
  for (const auto& t : times) std::cout << "  " << local_time(t.at()) << "  " << t.schedule() << "  [" << t.agreement_id() << "]\n";
  return 0;
}

}  // namespace

Result<v1::Response> ask_for(const Globals& globals, const v1::Request& request) {
  auto home = resolve_home(globals);
  if (!home) {
    report(globals, home.error());
    return home.error();
  }
  auto response = ask_daemon(home.value(), request);
  if (!response) report(globals, response.error());
  return response;
}

int run_change(const Globals& globals, const v1::Request& request, bool wait_own_status,
               const std::function<std::string(const ChangeContext&)>& prose) {
  auto home = resolve_home(globals);
  if (!home) return report(globals, home.error());
  auto response = ask_daemon(home.value(), request);
  if (!response) return report(globals, response.error());
  if (globals.json) {
    print_body_json(response.value());
    return 0;
  }
  ChangeContext context;
  context.result = response->change();
  auto status = probe_daemon(home.value(), status_timeout);
  if (status) {
    context.partner = partner_name_of(status.value());
    context.partner_connected = status->partner_connected();
    context.after = status.value();
    const auto deadline = std::chrono::steady_clock::now() + delivery_wait;
    auto poll = std::chrono::milliseconds(delivery_poll_first);
    while (wait_own_status && context.partner_connected && status->me().delivery() == v1::DELIVERY_PENDING &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(poll);
      poll = std::min(poll * 2, std::chrono::milliseconds(delivery_poll_max));
      status = probe_daemon(home.value(), status_timeout);
      if (!status) break;
    }
    if (wait_own_status && status && status->has_me() && status->me().delivery() != v1::DELIVERY_UNSPECIFIED) {
      context.result.set_delivery(status->me().delivery());
      if (status->me().has_delivered_at()) *context.result.mutable_delivered_at() = status->me().delivered_at();
    }
  } else {
    context.partner = "your partner";
  }
  std::cout << prose(context);
  return 0;
}

void add_space_commands(CLI::App& app, Globals& globals, Commands& commands) {
  auto f = std::make_shared<SpaceFlags>();
  commands.keep(f);

  auto* space = app.add_subcommand("space", "Signal a need for space, or that you are back");
  space->require_subcommand(1);
  auto* need = space->add_subcommand("need", "Signal a need for space");
  auto* for_opt = need->add_option("--for", f->duration, "For how long: 90s, 45m, 2h, 1h30m, 3d")->type_name("DUR");
  auto* until_opt = need->add_option("--until", f->until, "Until when: 20:00, 2026-12-01T20:00, ISO 8601")->type_name("TIME");
  for_opt->excludes(until_opt);
  need->add_option("--kind", f->kind, "alone, quiet or limited")->type_name("KIND")->check(CLI::IsMember({"alone", "quiet", "limited"}));
  need->add_option("--note", f->note, "A note for your partner")->type_name("TEXT");
  commands.on(need, [&globals, f] { return space_need(globals, *f); });
  auto* end = space->add_subcommand("end", "Signal you are back / ready to reconnect");
  end->add_option("--note", f->note, "A note for your partner")->type_name("TEXT");
  commands.on(end, [&globals, f] { return space_end(globals, *f); });
  auto* ack = space->add_subcommand("ack", "Acknowledge your partner's request (\"got it, take your time\")");
  ack->add_option("--note", f->note, "A note for your partner")->type_name("TEXT");
  commands.on(ack, [&globals, f] { return space_ack(globals, *f); });

  auto* checkin = app.add_subcommand("checkin", "Do a check-in");
  checkin->add_option("--mood", f->mood, "How you feel, 1-5")->type_name("1-5")->check(CLI::Range(1, 5));
  checkin->add_option("--note", f->note, "A note for your partner")->type_name("TEXT");
  commands.on(checkin, [&globals, f] { return check_in(globals, *f); });
  auto* next = checkin->add_subcommand("next", "Upcoming agreed check-in times in your zone");
  next->add_option("--count", f->count, "How many to show")->type_name("N")->check(CLI::PositiveNumber);
  commands.on(next, [&globals, f] { return check_in_next(globals, *f); });
}

}  // namespace pairspace::cli
