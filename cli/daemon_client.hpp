#pragma once
// One request to this home's daemon, its answer, and printing the answer's body.
#include <chrono>
#include <filesystem>

#include "app.hpp"
#include "pairspace.pb.h"
#include "util/result.hpp"

namespace pairspace::cli {

constexpr auto default_call_timeout = std::chrono::seconds(30);
constexpr auto slow_call_timeout = std::chrono::seconds(120);  // Argon2id (unlock)

// Checks that HOME holds a device, connects, sends, waits. A response whose code is not
// CODE_OK becomes an Error carrying the daemon's own sentence.
Result<v1::Response> ask_daemon(const fs::path& home, const v1::Request& request,
                                std::chrono::milliseconds timeout = default_call_timeout);

// Just the Status request, with short timeouts: for polling and "is it running?".
Result<v1::DaemonStatus> probe_daemon(const fs::path& home, std::chrono::milliseconds timeout);

// --json: the response's body message, or {} when it has none.
void print_body_json(const v1::Response& response);

}  // namespace pairspace::cli
