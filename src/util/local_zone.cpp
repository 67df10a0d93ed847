#include "util/local_zone.hpp"

#include <cstdlib>
#include <exception>
#include <string_view>

namespace pairspace::util {

namespace {

const date::time_zone* zone_from_env() {
  const char* tz = std::getenv("TZ");
  if (tz == nullptr) return nullptr;
  std::string_view name(tz);
  if (!name.empty() && name.front() == ':') name.remove_prefix(1);
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;  // a POSIX rule string such as "CET-1": fall back to the system zone
  }
}

const date::time_zone& find_local_zone() {
  if (const auto* zone = zone_from_env()) return *zone;
  try {
    return *date::current_zone();
  } catch (const std::exception&) {
    return *date::locate_zone("UTC");
  }
}

}  // namespace

const date::time_zone& local_zone() {
  // Looked up once per process: a daemon's zone is the one it started in.
  static const date::time_zone& zone = find_local_zone();
  return zone;
}

}  // namespace pairspace::util
