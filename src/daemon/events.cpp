#include "daemon/events.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <google/protobuf/util/json_util.h>

#include "net/log.hpp"

namespace pairspace::daemon {

namespace {

constexpr unsigned hook_time_limit_s = 10;  // a hook still running then is killed (SIGALRM)

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string all(path);
  std::size_t start = 0;
  while (start <= all.size()) {
    const auto end = all.find(':', start);
    const std::string dir = all.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

// Runs argv with `input` on stdin, detached: a grandchild does the work (init reaps it) so
// nothing is left but the short-lived child, which is waited for at once. Everything the
// children need is prepared before fork: only async-signal-safe calls after it.
void spawn(const std::vector<std::string>& argv, const std::string& input) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));  // NOLINT
  args.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  if (child == 0) {
    if (::fork() != 0) ::_exit(0);
    ::dup2(fds[0], 0);  // dup2 clears O_CLOEXEC on the copy
    const int null_fd = ::open("/dev/null", O_WRONLY);
    if (null_fd >= 0) {
      ::dup2(null_fd, 1);
      ::dup2(null_fd, 2);
    }
    ::signal(SIGPIPE, SIG_DFL);
    ::alarm(hook_time_limit_s);  // default SIGALRM action ends it
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[0]);
  ::fcntl(fds[1], F_SETFL, O_NONBLOCK);
  // pairspaced ignores SIGPIPE (main.cpp): a hook that exits without reading is fine.
  const auto written = ::write(fds[1], input.data(), input.size());
  (void)written;  // a hook that does not read its stdin is fine
  ::close(fds[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
}

}  // namespace

std::string read_hook_config(const std::string& home) {
  std::ifstream in(home + "/config");
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos || trim(line).starts_with('#')) continue;
    if (trim(line.substr(0, eq)) == "hook") return trim(line.substr(eq + 1));
  }
  return {};
}

void Events::watch(const std::shared_ptr<ReplyStream>& stream) { m_watchers.push_back(stream); }

void Events::publish(const v1::Event& event) {
  m_watchers.remove_if([](const std::weak_ptr<ReplyStream>& w) { return w.expired(); });
  for (auto& weak : m_watchers) {
    if (auto stream = weak.lock()) {
      v1::Response response;
      response.set_code(v1::CODE_OK);
      *response.mutable_event() = event;
      stream->push(std::move(response));
    }
  }
  if (!m_hook.empty()) {
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(event, &json, options);
    spawn({"/bin/sh", "-c", m_hook}, json + "\n");
  }
  const bool desktop = std::getenv("DISPLAY") != nullptr ||
                       std::getenv("DBUS_SESSION_BUS_ADDRESS") != nullptr;
  if (desktop && !event.message().empty() && on_path("notify-send")) {
    spawn({"notify-send", "pairspace", event.message()}, {});
  }
}

}  // namespace pairspace::daemon
