#pragma once
// Which device home a command works on, and whether it holds a device yet.
#include <filesystem>

#include "app.hpp"
#include "util/result.hpp"

namespace pairspace::cli {

// --home, else $PAIRSPACE_HOME, else $XDG_DATA_HOME/pairspace, else ~/.local/share/pairspace.
// Always absolute, so the daemon finds it whatever its working directory.
Result<fs::path> resolve_home(const Globals& globals);

// CODE_NOT_READY with advice to run `pairspace init` when HOME plainly holds no device.
// Anything unclear (e.g. no permission to look) passes: the next step says what is wrong.
Status check_initialised(const fs::path& home);

}  // namespace pairspace::cli
