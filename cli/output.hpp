#pragma once
// Everything the client prints: prose for people, JSON from protobuf messages for
// scripts (--json), and errors as one sentence on stderr plus an exit status.
#include <chrono>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include "app.hpp"
#include "util/result.hpp"
#include "util/utf8.hpp"

namespace pairspace::cli {

// The exit status for a result code (CLI.md): the numbers are the same by design.
int exit_status(Code code);

// protobuf's JSON printer with field names as in the .proto and every field present.
std::string to_json(const google::protobuf::Message& message);
void print_json(const google::protobuf::Message& message);
// `{}` for commands that succeed without a body.
void print_empty_json();

// One clear sentence on stderr; with --json also {"code": ..., "message": ...} on stdout.
// Returns the exit status for `error.code`.
int report(const Globals& globals, const Error& error);
int report(const Globals& globals, Code code, std::string message);

// Prose on stdout, only when --json is off.
void say(const Globals& globals, std::string_view line);

// "2026-11-25 19:04" in the local zone ($TZ or the system's).
std::string local_minutes(std::chrono::system_clock::time_point t);
std::chrono::system_clock::time_point from_timestamp(const google::protobuf::Timestamp& ts);
google::protobuf::Timestamp to_timestamp(std::chrono::system_clock::time_point t);

// Checks text before it goes into a protobuf string field.
using util::valid_utf8;

}  // namespace pairspace::cli
