// Issue "Foundation", tests 5 and 6: the control socket serves only its owner and
// survives malformed requests.
#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "harness.hpp"
#include "pairspace.pb.h"

namespace pairspace::itest {
namespace {

constexpr uid_t nobody = 65534;
constexpr int reply_wait_ms = 10000;

int connect_unix(const fs::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string p = path.string();
  if (p.size() >= sizeof addr.sun_path) return -1;
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the daemon may close early; that is allowed
    sent += static_cast<std::size_t>(n);
  }
}

enum class Reply { closed, answered, silent };

// Reads until EOF or a whole frame; "silent" when nothing happens within the wait.
Reply read_reply(int fd, std::string& frame) {
  frame.clear();
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, reply_wait_ms) <= 0) return Reply::silent;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return frame.size() >= 4 ? Reply::answered : Reply::closed;
    frame.append(buf, static_cast<std::size_t>(n));
    if (frame.size() >= 4) {
      const auto* b = reinterpret_cast<const unsigned char*>(frame.data());
      const std::size_t len = (std::size_t{b[0]} << 24) | (std::size_t{b[1]} << 16) | (std::size_t{b[2]} << 8) | b[3];
      if (frame.size() >= 4 + len) return Reply::answered;
    }
  }
}

std::string frame_of(const std::string& payload) {
  const auto n = static_cast<std::uint32_t>(payload.size());
  std::string out = {static_cast<char>(n >> 24), static_cast<char>((n >> 16) & 0xFF),
                     static_cast<char>((n >> 8) & 0xFF), static_cast<char>(n & 0xFF)};
  return out + payload;
}

class ControlSocket : public PairspaceTest {
 protected:
  void expect_still_serving() {
    auto r = cli({"daemon", "status"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
  }
};

TEST_F(ControlSocket, GarbageGetsAnErrorOrAClosedConnection) {
  init_home();
  start_daemon();
  const auto socket_path = home / "control.sock";

  for (const std::string& junk :
       {frame_of(std::string("\xff\xfe\xfd\xfc garbage \x01\x02", 15)), frame_of(std::string(3, '\x0a')),
        std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")}) {
    const int fd = connect_unix(socket_path);
    ASSERT_GE(fd, 0);
    send_all(fd, junk);
    std::string reply;
    const auto outcome = read_reply(fd, reply);
    ::close(fd);
    if (outcome == Reply::answered) {
      v1::Response response;
      ASSERT_TRUE(response.ParseFromString(reply.substr(4))) << "an answer must be a Response";
      EXPECT_NE(response.code(), v1::CODE_OK);
      EXPECT_FALSE(response.message().empty());
    } else {
      EXPECT_EQ(outcome, Reply::closed) << "the daemon neither answered nor closed";
    }
    expect_still_serving();
  }
  stop_daemon_and_check();
}

TEST_F(ControlSocket, HugeLengthPrefixClosesTheConnection) {
  init_home();
  start_daemon();
  const int fd = connect_unix(home / "control.sock");
  ASSERT_GE(fd, 0);
  send_all(fd, std::string("\xff\xff\xff\xff", 4) + "abc");
  std::string reply;
  const auto outcome = read_reply(fd, reply);
  ::close(fd);
  EXPECT_NE(outcome, Reply::silent) << "the daemon kept a connection announcing 4 GiB open";
  if (outcome == Reply::answered) {  // an error answer before closing is acceptable too
    v1::Response response;
    ASSERT_TRUE(response.ParseFromString(reply.substr(4)));
    EXPECT_NE(response.code(), v1::CODE_OK);
  }
  expect_still_serving();

  // A connection that sends half a frame and hangs up is harmless as well.
  const int half = connect_unix(home / "control.sock");
  ASSERT_GE(half, 0);
  send_all(half, std::string("\x00\x00\x01\x00", 4) + "partial");
  ::close(half);
  expect_still_serving();
  stop_daemon_and_check();
}

TEST_F(ControlSocket, AnotherUserCannotUseIt) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the client as user nobody";
  if (run_process({"setpriv", "--version"}).exit_code != 0) GTEST_SKIP() << "setpriv (util-linux) is not installed";
  ASSERT_EQ(::chmod(root.c_str(), 0755), 0);  // only the home itself is private
  init_home();
  start_daemon();
  RunOptions as_nobody;
  as_nobody.prefix = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};

  // Home 0700: nobody cannot even reach the socket.
  auto blocked = cli({"daemon", "status"}, as_nobody);
  EXPECT_EQ(blocked.exit_code, 2) << blocked.describe();
  EXPECT_FALSE(blocked.err.empty()) << blocked.describe();
  EXPECT_FALSE(looks_like_crash(blocked.out + blocked.err)) << blocked.describe();

  // Loosened by hand: the daemon's own peer-uid check must still refuse.
  ASSERT_EQ(::chmod(home.c_str(), 0755), 0);
  ASSERT_EQ(::chmod((home / "control.sock").c_str(), 0666), 0);
  auto loosened = cli({"journal", "list"}, as_nobody);
  EXPECT_EQ(loosened.exit_code, 2) << loosened.describe();
  EXPECT_FALSE(loosened.err.empty()) << loosened.describe();

  // Raw request as nobody, bypassing the client's own check of the daemon's uid.
  v1::Request request;
  request.mutable_journal_list();
  const std::string frame = frame_of(request.SerializeAsString());
  const std::string socket_path = (home / "control.sock").string();
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setresgid(nobody, nobody, nobody) != 0 ||
        ::setresuid(nobody, nobody, nobody) != 0) {
      ::_exit(3);
    }
    const int fd = connect_unix(socket_path);
    if (fd < 0) ::_exit(0);  // refused at connect: fine
    send_all(fd, frame);
    std::string reply;
    const auto outcome = read_reply(fd, reply);
    if (outcome == Reply::closed) ::_exit(0);
    if (outcome == Reply::silent) ::_exit(4);
    v1::Response response;
    if (response.ParseFromString(reply.substr(4)) && response.code() != v1::CODE_OK) ::_exit(0);
    ::_exit(1);  // served another user: the bug this test is for
  }
  ASSERT_GT(child, 0);
  auto status = wait_for_exit(child, 30s);
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0) << "1: the daemon answered user nobody; 4: it neither answered nor closed";

  // The owner is still served.
  ASSERT_EQ(::chmod(home.c_str(), 0700), 0);
  auto mine = cli({"journal", "list"});
  EXPECT_EQ(mine.exit_code, 0) << mine.describe();
  stop_daemon_and_check();
}

}  // namespace
}  // namespace pairspace::itest
