#include "home.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>

#include "store/store.hpp"

namespace pairspace::cli {

namespace {
std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string{} : std::string{value};
}
}  // namespace

Result<fs::path> resolve_home(const Globals& globals) {
  fs::path home;
  if (!globals.home.empty()) {
    home = globals.home;
  } else if (auto from_env = env("PAIRSPACE_HOME"); !from_env.empty()) {
    home = from_env;
  } else if (auto xdg = env("XDG_DATA_HOME"); !xdg.empty() && fs::path(xdg).is_absolute()) {
    home = fs::path(xdg) / "pairspace";
  } else if (auto user_home = env("HOME"); !user_home.empty()) {
    home = fs::path(user_home) / ".local" / "share" / "pairspace";
  } else {
    return make_error(v1::CODE_USAGE,
                      "There is no HOME to keep pairspace's files in; please choose a place with "
                      "--home DIR or PAIRSPACE_HOME.");
  }
  std::error_code ec;
  auto absolute = fs::absolute(home, ec);
  if (ec) {
    return make_error(v1::CODE_USAGE, "Could not make sense of the home " + home.string() +
                                          "; please give a full path with --home.");
  }
  return absolute.lexically_normal();
}

Status check_initialised(const fs::path& home) {
  const auto database = store::HomePaths::of(home).database;
  struct stat info {};
  if (::stat(database.c_str(), &info) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
    return make_error(v1::CODE_NOT_READY, "There is no pairspace device in " + home.string() +
                                              " yet; create one with `pairspace init`.");
  }
  return ok_status();
}

}  // namespace pairspace::cli
