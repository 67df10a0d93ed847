#include "daemon/options.hpp"

#include <cstdlib>

#include "daemon/version.hpp"

namespace pairspace::daemon {

std::optional<std::string> process_env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());  // NOLINT(concurrency-mt-unsafe): startup only
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string usage_text() {
  return "Usage: pairspaced [--home DIR] [--listen HOST:PORT]\n"
         "\n"
         "Runs one device's pairspace daemon in the foreground (logs go to stderr).\n"
         "\n"
         "  --home DIR          the device's home (else $PAIRSPACE_HOME, else\n"
         "                      $XDG_DATA_HOME/pairspace, else ~/.local/share/pairspace)\n"
         "  --listen HOST:PORT  where the partner's device connects (default 0.0.0.0:47474;\n"
         "                      port 0 picks a free one, shown by `pairspace daemon status`)\n"
         "  --help              show this help\n"
         "  --version           show the version\n";
}

namespace {
Error usage(std::string sentence) {
  return make_error(v1::CODE_USAGE, std::move(sentence) + " See `pairspaced --help`.");
}

Result<std::filesystem::path> default_home(const EnvLookup& env) {
  if (auto home = env("PAIRSPACE_HOME")) return std::filesystem::path(*home);
  if (auto data = env("XDG_DATA_HOME")) return std::filesystem::path(*data) / "pairspace";
  if (auto user_home = env("HOME")) return std::filesystem::path(*user_home) / ".local/share/pairspace";
  return usage("No home directory is known (neither --home, PAIRSPACE_HOME nor HOME is set).");
}
}  // namespace

Result<CommandLine> parse_command_line(std::span<const std::string_view> args, const EnvLookup& env) {
  CommandLine line;
  std::optional<std::string> home;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::optional<std::string_view> inline_value;
    if (arg.starts_with("--") && arg.find('=') != std::string_view::npos) {
      inline_value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
    }
    auto value = [&]() -> Result<std::string> {
      if (inline_value) return std::string(*inline_value);
      if (i + 1 >= args.size()) return usage("The option " + std::string(arg) + " needs a value.");
      return std::string(args[++i]);
    };
    if (arg == "--help" || arg == "-h") {
      line.print_and_exit = usage_text();
      return line;
    }
    if (arg == "--version") {
      line.print_and_exit = "pairspaced " + std::string(version) + "\n";
      return line;
    }
    if (arg == "--home" || arg == "--listen") {
      auto v = value();
      if (!v) return v.error();
      if (v->empty()) return usage("The option " + std::string(arg) + " needs a value.");
      if (arg == "--home") {
        home = *v;
      } else {
        line.options.listen = *v;
      }
      continue;
    }
    if (arg.starts_with("-")) return usage("pairspaced has no option " + std::string(arg) + ".");
    return usage("pairspaced takes no arguments besides options (got \"" + std::string(arg) + "\").");
  }
  if (home) {
    line.options.home = *home;
  } else {
    auto fallback = default_home(env);
    if (!fallback) return fallback.error();
    line.options.home = *fallback;
  }
  return line;
}

}  // namespace pairspace::daemon
