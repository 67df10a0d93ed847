#pragma once
// `pairspace daemon start` / `stop`: run pairspaced in the background and wait until it
// answers (or stops answering).
#include <string>

#include "app.hpp"

namespace pairspace::cli {

constexpr auto daemon_start_timeout = std::chrono::seconds(10);
constexpr auto daemon_stop_timeout = std::chrono::seconds(15);

// Returns the exit status; prints the outcome (prose or --json DaemonStatus).
int launch_daemon(const Globals& globals, const fs::path& home, const std::string& listen);
int stop_daemon(const Globals& globals, const fs::path& home);

}  // namespace pairspace::cli
