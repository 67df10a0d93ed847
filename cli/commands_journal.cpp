// `pairspace journal add | list | show | delete`: the private journal (never leaves the device).
#include <charconv>
#include <chrono>
#include <iostream>
#include <memory>

#include "app.hpp"
#include "daemon_client.hpp"
#include "home.hpp"
#include "input.hpp"
#include "output.hpp"
#include "util/timeparse.hpp"

namespace pairspace::cli {

namespace {

constexpr std::size_t max_entry_bytes = 256 * 1024;
constexpr std::size_t list_preview_chars = 60;  // code points of the first line in `list`

struct ListFlags {
  std::string grep;
  std::string since;
};

// "3" or "#3" -> 3.
Result<std::uint64_t> parse_id(std::string_view text) {
  if (!text.empty() && text.front() == '#') text.remove_prefix(1);
  std::uint64_t id = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, id);
  if (text.empty() || ec != std::errc{} || ptr != end || id == 0) {
    return make_error(v1::CODE_USAGE, "A journal entry is named by its number, like `3` or `#3`; "
                                      "`pairspace journal list` shows them.");
  }
  return id;
}

// First line, at most list_preview_chars code points, with … when anything was cut.
std::string preview(const std::string& text) {
  const auto newline = text.find('\n');
  std::string first = text.substr(0, newline);
  bool cut = newline != std::string::npos && text.find_first_not_of(" \t\r\n", newline) != std::string::npos;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < first.size(); ++i) {
    if ((static_cast<unsigned char>(first[i]) & 0xC0U) == 0x80U) continue;  // continuation byte
    if (chars == list_preview_chars) {
      first.resize(i);
      cut = true;
      break;
    }
    ++chars;
  }
  if (!first.empty() && first.back() == '\r') first.pop_back();
  return cut ? first + "\u2026" : first;
}

std::string heading(const v1::JournalEntry& entry) {
  return "#" + std::to_string(entry.id()) + "  " + local_minutes(from_timestamp(entry.created_at()));
}

Result<v1::Response> ask(const Globals& globals, const v1::Request& request) {
  auto home = resolve_home(globals);
  if (!home) return home.error();
  return ask_daemon(home.value(), request);
}

int add(const Globals& globals, const std::string& text_arg, bool have_text) {
  std::string text;
  if (!have_text || text_arg == "-") {
    if (!have_text && stdin_is_terminal()) {
      return report(globals, v1::CODE_USAGE,
                    "Please give the entry's text, e.g. `pairspace journal add \"...\"`, or pipe it "
                    "in with `pairspace journal add -`.");
    }
    auto piped = read_stdin_text(max_entry_bytes);
    if (!piped) return report(globals, piped.error());
    text = std::move(piped).value();
  } else {
    text = text_arg;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return report(globals, v1::CODE_USAGE, "That entry is empty; please write something to keep.");
  }
  if (text.size() > max_entry_bytes) {
    return report(globals, v1::CODE_USAGE, "That entry is longer than pairspace accepts (" +
                                               std::to_string(max_entry_bytes / 1024) +
                                               " KiB); please split it into several.");
  }
  if (!valid_utf8(text)) {
    return report(globals, v1::CODE_USAGE, "That text is not valid UTF-8; please save it as UTF-8 and try again.");
  }
  v1::Request request;
  request.mutable_journal_add()->set_text(text);
  auto response = ask(globals, request);
  if (!response) return report(globals, response.error());
  if (globals.json) {
    print_json(response->journal_entry());
  } else {
    std::cout << "Added journal entry #" << response->journal_entry().id() << ".\n";
  }
  return 0;
}

int list(const Globals& globals, const ListFlags& flags) {
  v1::Request request;
  auto* body = request.mutable_journal_list();
  if (!valid_utf8(flags.grep)) return report(globals, v1::CODE_USAGE, "The --grep word is not valid UTF-8.");
  body->set_grep(flags.grep);
  if (!flags.since.empty()) {
    auto since = util::parse_time(flags.since, std::chrono::system_clock::now(), util::TimeDirection::past);
    if (!since) return report(globals, since.error());
    *body->mutable_since() = to_timestamp(since.value());
  }
  auto response = ask(globals, request);
  if (!response) return report(globals, response.error());
  const auto& entries = response->journal_entries().entries();
  if (globals.json) {
    print_json(response->journal_entries());
    return 0;
  }
  if (entries.empty()) {
    const bool filtered = !flags.grep.empty() || !flags.since.empty();
    std::cout << (filtered ? "No journal entries match.\n"
                           : "Your journal is empty. Add an entry with `pairspace journal add \"...\"`.\n");
    return 0;
  }
  for (const auto& entry : entries) std::cout << heading(entry) << "  " << preview(entry.text()) << '\n';
  return 0;
}

int show(const Globals& globals, const std::string& id_text) {
  auto id = parse_id(id_text);
  if (!id) return report(globals, id.error());
  v1::Request request;
  request.mutable_journal_show()->set_id(id.value());
  auto response = ask(globals, request);
  if (!response) return report(globals, response.error());
  if (globals.json) {
    print_json(response->journal_entry());
  } else {
    std::cout << heading(response->journal_entry()) << "\n\n" << response->journal_entry().text() << '\n';
  }
  return 0;
}

int remove(const Globals& globals, const std::string& id_text) {
  auto id = parse_id(id_text);
  if (!id) return report(globals, id.error());
  v1::Request request;
  request.mutable_journal_delete()->set_id(id.value());
  auto response = ask(globals, request);
  if (!response) return report(globals, response.error());
  if (globals.json) {
    print_body_json(response.value());
  } else {
    std::cout << "Deleted journal entry #" << id.value() << "; its text is gone from the store.\n";
  }
  return 0;
}

}  // namespace

void add_journal_commands(CLI::App& app, Globals& globals, Commands& commands) {
  auto* journal = app.add_subcommand("journal", "Your private journal (encrypted, never leaves this device)");
  journal->require_subcommand(1);

  auto text = std::make_shared<std::string>();
  auto* add_cmd = journal->add_subcommand("add", "Add an entry (TEXT, or `-` / nothing to read stdin)");
  auto* text_opt = add_cmd->add_option("TEXT", *text, "The entry's text; `-` reads it from stdin")->type_name("TEXT");
  commands.on(add_cmd, [&globals, text, text_opt] { return add(globals, *text, text_opt->count() > 0); });

  auto flags = std::make_shared<ListFlags>();
  auto* list_cmd = journal->add_subcommand("list", "List entries");
  list_cmd->add_option("--grep", flags->grep, "Only entries containing WORD (any case)")->type_name("WORD");
  list_cmd->add_option("--since", flags->since, "Only entries from TIME on (e.g. 2026-12-01, 20:00, 3d)")->type_name("TIME");
  commands.on(list_cmd, [&globals, flags] { return list(globals, *flags); });

  auto show_id = std::make_shared<std::string>();
  auto* show_cmd = journal->add_subcommand("show", "Show one entry in full");
  show_cmd->add_option("ID", *show_id, "The entry's number (from `journal list`)")->type_name("ID")->required();
  commands.on(show_cmd, [&globals, show_id] { return show(globals, *show_id); });

  auto delete_id = std::make_shared<std::string>();
  auto* delete_cmd = journal->add_subcommand("delete", "Delete one entry; its text is removed from the file");
  delete_cmd->add_option("ID", *delete_id, "The entry's number (from `journal list`)")->type_name("ID")->required();
  commands.on(delete_cmd, [&globals, delete_id] { return remove(globals, *delete_id); });
}

}  // namespace pairspace::cli
