#include "output.hpp"

#include <ctime>
#include <iostream>

#include <google/protobuf/util/json_util.h>

#include "pairspace.pb.h"

namespace pairspace::cli {

namespace {
constexpr int highest_exit_status = 5;  // CLI.md: 0..5
}

int exit_status(Code code) {
  const int value = static_cast<int>(code);
  if (value < 0 || value > highest_exit_status) return highest_exit_status;
  return value;
}

std::string to_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "{}";
  return out;
}

void print_json(const google::protobuf::Message& message) {
  std::cout << to_json(message) << '\n' << std::flush;
}

void print_empty_json() { std::cout << "{}\n" << std::flush; }

int report(const Globals& globals, const Error& error) {
  std::string sentence = error.message;
  if (sentence.empty()) sentence = "Something went wrong, but no reason was given; please try again.";
  std::cerr << sentence << '\n' << std::flush;
  if (globals.json) {
    v1::Response response;
    response.set_code(error.code == v1::CODE_OK ? v1::CODE_STORE : error.code);
    response.set_message(sentence);
    print_json(response);
  }
  const int status = exit_status(error.code);
  return status == 0 ? highest_exit_status : status;
}

int report(const Globals& globals, Code code, std::string message) {
  return report(globals, make_error(code, std::move(message)));
}

void say(const Globals& globals, std::string_view line) {
  if (!globals.json) std::cout << line << '\n';
}

std::string local_minutes(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm local{};
  if (localtime_r(&seconds, &local) == nullptr) return "(unknown time)";
  char buffer[32];
  if (std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M", &local) == 0) return "(unknown time)";
  return buffer;
}

std::chrono::system_clock::time_point from_timestamp(const google::protobuf::Timestamp& ts) {
  using namespace std::chrono;
  return system_clock::time_point{duration_cast<system_clock::duration>(
      seconds(ts.seconds()) + nanoseconds(ts.nanos()))};
}

google::protobuf::Timestamp to_timestamp(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<nanoseconds>(t.time_since_epoch());
  auto secs = duration_cast<seconds>(since_epoch);
  auto nanos = since_epoch - secs;
  if (nanos.count() < 0) {
    secs -= seconds(1);
    nanos += seconds(1);
  }
  google::protobuf::Timestamp ts;
  ts.set_seconds(secs.count());
  ts.set_nanos(static_cast<std::int32_t>(nanos.count()));
  return ts;
}

}  // namespace pairspace::cli
