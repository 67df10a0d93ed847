#pragma once
#include <string_view>

namespace pairspace::daemon {
// Keep in step with project(VERSION) in the top-level CMakeLists.txt.
constexpr std::string_view version = "0.1.0";
}  // namespace pairspace::daemon
