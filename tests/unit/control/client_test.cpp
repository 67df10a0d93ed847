#include "control/client.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <thread>

#include "control/fd_io.hpp"

namespace pairspace::control {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct TempHome {
  fs::path dir;
  TempHome() {
    std::string tmpl = (fs::temp_directory_path() / "psctl-XXXXXX").string();
    dir = ::mkdtemp(tmpl.data());
  }
  ~TempHome() {
    std::error_code ec;
    fs::permissions(dir, fs::perms::owner_all, ec);
    fs::remove_all(dir, ec);
  }
  fs::path socket() const { return dir / "control.sock"; }
};

// A one-connection server in a thread: binds, accepts once, runs `serve` on the connection.
class FakeServer {
 public:
  FakeServer(const fs::path& path, std::function<void(int)> serve) {
    m_listen = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    EXPECT_EQ(::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(m_listen, 4), 0);
    m_thread = std::thread([this, serve = std::move(serve)] {
      const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK);
      if (fd < 0) return;
      serve(fd);
      ::close(fd);
    });
  }
  ~FakeServer() {
    m_thread.join();
    ::close(m_listen);
  }

 private:
  int m_listen = -1;
  std::thread m_thread;
};

bool read_request(int fd, v1::Request& request) {
  FrameHeader header{};
  if (read_exact(fd, header, IoClock::now() + 5s) != IoOutcome::ok) return false;
  auto length = decode_frame_header(header);
  if (!length) return false;
  std::string payload(*length, '\0');
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  auto* dst = reinterpret_cast<std::uint8_t*>(payload.data());
  if (read_exact(fd, {dst, payload.size()}, IoClock::now() + 5s) != IoOutcome::ok) return false;
  return request.ParseFromString(payload);
}

void send_bytes(int fd, const std::string& bytes) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  const auto* src = reinterpret_cast<const std::uint8_t*>(bytes.data());
  EXPECT_EQ(write_all(fd, {src, bytes.size()}, IoClock::now() + 5s), IoOutcome::ok);
}

TEST(ControlClient, NoSocketFileMeansNotRunning) {
  TempHome home;
  auto client = Client::connect(home.socket(), 1s);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, v1::CODE_UNREACHABLE);
  EXPECT_NE(client.error().message.find("not running for " + home.dir.string()), std::string::npos);
  EXPECT_NE(client.error().message.find("pairspace daemon start"), std::string::npos);
}

TEST(ControlClient, StaleSocketFileMeansNotRunning) {
  TempHome home;
  { FakeServer server(home.socket(), [](int) {}); auto c = Client::connect(home.socket(), 1s); }
  ASSERT_TRUE(fs::exists(home.socket()));  // left behind, nobody listening
  auto client = Client::connect(home.socket(), 1s);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, v1::CODE_UNREACHABLE);
  EXPECT_NE(client.error().message.find("not running"), std::string::npos);
}

TEST(ControlClient, PermissionDeniedSaysAnotherUser) {
  if (::geteuid() == 0) GTEST_SKIP() << "root is never denied";
  TempHome home;
  FakeServer server(home.socket(), [](int) {});
  ASSERT_EQ(::chmod(home.socket().c_str(), 0), 0);
  auto client = Client::connect(home.socket(), 1s);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, v1::CODE_UNREACHABLE);
  EXPECT_NE(client.error().message.find("another user"), std::string::npos);
  ASSERT_EQ(::chmod(home.socket().c_str(), 0600), 0);
  auto unblock = Client::connect(home.socket(), 1s);  // lets the fake server's accept return
}

TEST(ControlClient, TooLongPathIsAUsageError) {
  auto client = Client::connect(fs::path("/tmp") / std::string(200, 'h') / "control.sock", 1s);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, v1::CODE_USAGE);
}

TEST(ControlClient, CallRoundTrips) {
  TempHome home;
  FakeServer server(home.socket(), [](int fd) {
    v1::Request request;
    ASSERT_TRUE(read_request(fd, request));
    ASSERT_TRUE(request.has_status());
    v1::Response response;
    response.mutable_daemon_status()->set_pid(1234);
    send_bytes(fd, encode_frame(response).value());
  });
  auto client = Client::connect(home.socket(), 1s);
  ASSERT_TRUE(client.ok()) << client.error().message;
  v1::Request request;
  request.mutable_status();
  auto response = client->call(request, 5s);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->daemon_status().pid(), 1234u);
}

TEST(ControlClient, CallTimesOutWhenTheDaemonNeverAnswers) {
  TempHome home;
  FakeServer server(home.socket(), [](int fd) {
    v1::Request request;
    read_request(fd, request);
    std::this_thread::sleep_for(500ms);  // longer than the client waits
  });
  auto client = Client::connect(home.socket(), 1s);
  ASSERT_TRUE(client.ok());
  const auto start = std::chrono::steady_clock::now();
  auto response = client->call(v1::Request{}, 100ms);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, v1::CODE_UNREACHABLE);
  EXPECT_NE(response.error().message.find("did not answer in time"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 400ms);
}

TEST(ControlClient, DaemonClosingIsUnreachableAndTheClientStaysClosed) {
  TempHome home;
  FakeServer server(home.socket(), [](int fd) {
    v1::Request request;
    read_request(fd, request);
  });
  auto client = Client::connect(home.socket(), 1s);
  ASSERT_TRUE(client.ok());
  v1::Request request;
  request.mutable_status();
  auto response = client->call(request, 5s);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, v1::CODE_UNREACHABLE);
  EXPECT_NE(response.error().message.find("closed the connection"), std::string::npos);
  auto again = client->call(request, 1s);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, v1::CODE_UNREACHABLE);
}

TEST(ControlClient, OversizeReplyIsRefusedWithoutReadingIt) {
  TempHome home;
  FakeServer server(home.socket(), [](int fd) {
    v1::Request request;
    read_request(fd, request);
    send_bytes(fd, std::string("\xFF\xFF\xFF\xFF", 4));
    std::this_thread::sleep_for(200ms);  // keep the connection open: no EOF to lean on
  });
  auto client = Client::connect(home.socket(), 1s);
  ASSERT_TRUE(client.ok());
  const auto start = std::chrono::steady_clock::now();
  auto response = client->call(v1::Request{}, 5s);
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().message.find("too large"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 150ms);
}

TEST(ControlClient, OversizeRequestIsRefusedBeforeSending) {
  TempHome home;
  FakeServer server(home.socket(), [](int) {});
  auto client = Client::connect(home.socket(), 1s);
  ASSERT_TRUE(client.ok());
  v1::Request request;
  request.mutable_journal_add()->set_text(std::string(max_message_bytes + 1, 'x'));
  auto response = client->call(request, 1s);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, v1::CODE_USAGE);
}

TEST(ControlClient, MovedFromClientIsHarmless) {
  TempHome home;
  FakeServer server(home.socket(), [](int) {});
  auto client = Client::connect(home.socket(), 1s);
  ASSERT_TRUE(client.ok());
  Client moved = std::move(client.value());
  auto response = client->call(v1::Request{}, 100ms);  // NOLINT(bugprone-use-after-move)
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, v1::CODE_UNREACHABLE);
}

}  // namespace
}  // namespace pairspace::control
