#pragma once
// Small builders for control replies, shared by the handler files.
#include <string>

#include "pairspace.pb.h"
#include "util/result.hpp"

namespace pairspace::daemon {

inline v1::Response ok_response(std::string message = {}) {
  v1::Response response;
  response.set_code(v1::CODE_OK);
  response.set_message(std::move(message));
  return response;
}

inline v1::Response error_response(const Error& error) {
  v1::Response response;
  response.set_code(error.code == v1::CODE_OK ? v1::CODE_STORE : error.code);
  response.set_message(error.message);
  return response;
}

inline v1::Response locked_response() {
  return error_response(
      make_error(v1::CODE_NOT_READY,
                 "This device is locked. Unlock it with `pairspace unlock --passphrase-stdin`."));
}

inline v1::Response not_paired_response() {
  return error_response(make_error(v1::CODE_NOT_READY,
                                   "Not paired yet. Pair with `pairspace pair invite` on one "
                                   "device and `pairspace pair join` on the other."));
}

}  // namespace pairspace::daemon
