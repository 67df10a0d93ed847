#include "daemon_client.hpp"

#include "control/client.hpp"
#include "home.hpp"
#include "output.hpp"
#include "store/store.hpp"

namespace pairspace::cli {

namespace {

std::string fallback_sentence(Code code) {
  switch (code) {
    case v1::CODE_USAGE: return "The daemon did not accept that request; please check the command.";
    case v1::CODE_UNREACHABLE: return "The daemon could not be reached; check it with `pairspace daemon status`.";
    case v1::CODE_NOT_READY:
      return "The daemon is not ready for that yet; if the store is locked, unlock it with "
             "`pairspace unlock --passphrase-stdin`.";
    case v1::CODE_REFUSED: return "The daemon refused that request.";
    default: return "The daemon could not complete that request; its log (daemon.log in the home) may say more.";
  }
}

}  // namespace

Result<v1::Response> ask_daemon(const fs::path& home, const v1::Request& request,
                                std::chrono::milliseconds timeout) {
  if (auto initialised = check_initialised(home); !initialised) return initialised.error();
  auto client = control::Client::connect(store::HomePaths::of(home).socket);
  if (!client) return client.error();
  auto response = client->call(request, timeout);
  if (!response) return response.error();
  if (response->code() != v1::CODE_OK) {
    std::string message = response->message();
    if (message.empty()) message = fallback_sentence(response->code());
    return make_error(response->code(), std::move(message));
  }
  return std::move(response).value();
}

Result<v1::DaemonStatus> probe_daemon(const fs::path& home, std::chrono::milliseconds timeout) {
  auto client = control::Client::connect(store::HomePaths::of(home).socket, timeout);
  if (!client) return client.error();
  v1::Request request;
  request.mutable_status();
  auto response = client->call(request, timeout);
  if (!response) return response.error();
  if (response->code() != v1::CODE_OK) {
    return make_error(response->code(), response->message().empty() ? fallback_sentence(response->code())
                                                                    : response->message());
  }
  return response->daemon_status();
}

void print_body_json(const v1::Response& response) {
  // Generic over the oneof, so bodies added in later issues print without a change here.
  const auto* body = v1::Response::descriptor()->FindOneofByName("body");
  const auto* reflection = response.GetReflection();
  const auto* field = body == nullptr ? nullptr : reflection->GetOneofFieldDescriptor(response, body);
  if (field != nullptr && field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
    print_json(reflection->GetMessage(response, field));
  } else {
    print_empty_json();
  }
}

}  // namespace pairspace::cli
