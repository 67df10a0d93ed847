#include "daemon/daemon.hpp"

#include <sys/stat.h>
#include <sys/wait.h>

#include <boost/asio/ip/tcp.hpp>
#include <csignal>
#include <fstream>

#include "control/framing.hpp"
#include "harness.hpp"

namespace pairspace::daemon::test {
namespace {

TEST(Daemon, StatusReportsTheRealPortAndIdentity) {
  TempDir dir;
  const auto home = make_home(dir);
  auto daemon = start(test_options(home));
  auto response = call(home, status_request());
  ASSERT_TRUE(response.ok()) << response.error().message;
  ASSERT_EQ(response->code(), v1::CODE_OK);
  const auto& status = response->daemon_status();
  EXPECT_EQ(status.pid(), static_cast<std::uint32_t>(::getpid()));
  EXPECT_EQ(status.home(), home.string());
  EXPECT_EQ(status.listen_address(), daemon->listen_address());
  EXPECT_TRUE(status.listen_address().starts_with("127.0.0.1:"));
  EXPECT_NE(status.listen_address(), "127.0.0.1:0");
  EXPECT_FALSE(status.locked());
  EXPECT_EQ(status.device_name(), "Ana");
  EXPECT_FALSE(status.device_id().empty());
  EXPECT_FALSE(status.paired());
  EXPECT_FALSE(status.version().empty());
}

TEST(Daemon, HomeIsMadePrivateAndSocketIs0600) {
  TempDir dir;
  const auto home = make_home(dir);
  ASSERT_EQ(::chmod(home.c_str(), 0755), 0);
  auto daemon = start(test_options(home));
  struct stat st {};
  ASSERT_EQ(::stat(home.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(store::HomePaths::of(home).socket.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Daemon, UnreadableRequestGetsUsageErrorThenCloseAndOthersAreServed) {
  TempDir dir;
  const auto home = make_home(dir);
  auto daemon = start(test_options(home));
  const int fd = raw_connect(store::HomePaths::of(home).socket);
  const std::string garbage("\x00\x00\x00\x05\xFF\xFF\xFF\xFF\xFF", 9);  // not a protobuf
  ASSERT_EQ(::send(fd, garbage.data(), garbage.size(), MSG_NOSIGNAL), 9);
  bool eof = false;
  const std::string reply = read_to_eof(fd, eof);
  ::close(fd);
  EXPECT_TRUE(eof);
  std::vector<std::uint8_t> bytes(reply.begin(), reply.end());
  auto frame = control::split_frame(bytes);
  ASSERT_TRUE(frame.ok() && frame->has_value());
  v1::Response response;
  ASSERT_TRUE(response.ParseFromArray((*frame)->payload.data(),
                                      static_cast<int>((*frame)->payload.size())));
  EXPECT_EQ(response.code(), v1::CODE_USAGE);
  EXPECT_FALSE(response.message().empty());

  auto status = call(home, status_request());
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(status->code(), v1::CODE_OK);
}

TEST(Daemon, OversizeLengthPrefixClosesSilentlyAndDaemonKeepsServing) {
  TempDir dir;
  const auto home = make_home(dir);
  auto daemon = start(test_options(home));
  const int fd = raw_connect(store::HomePaths::of(home).socket);
  ASSERT_EQ(::send(fd, "\xFF\xFF\xFF\xFF", 4, MSG_NOSIGNAL), 4);
  bool eof = false;
  const std::string reply = read_to_eof(fd, eof);
  ::close(fd);
  EXPECT_TRUE(eof);
  EXPECT_TRUE(reply.empty());
  auto status = call(home, status_request());
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(status->code(), v1::CODE_OK);
}

TEST(Daemon, IdleConnectionIsClosedAfterTheDeadline) {
  TempDir dir;
  const auto home = make_home(dir);
  auto options = test_options(home);
  options.control_timeouts.idle = 200ms;
  auto daemon = start(options);
  const int fd = raw_connect(store::HomePaths::of(home).socket);
  const auto begin = std::chrono::steady_clock::now();
  bool eof = false;
  (void)read_to_eof(fd, eof);
  ::close(fd);
  EXPECT_TRUE(eof);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 4s);
}

TEST(Daemon, StopRequestRepliesThenShutsDownCleanly) {
  TempDir dir;
  const auto home = make_home(dir);
  auto daemon = start(test_options(home));
  v1::Request stop;
  stop.mutable_stop();
  auto response = call(home, stop);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->code(), v1::CODE_OK);
  EXPECT_EQ(daemon.wait_exit(), 0);
  EXPECT_FALSE(fs::exists(store::HomePaths::of(home).socket));
  auto after = call(home, status_request());
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, v1::CODE_UNREACHABLE);
}

TEST(Daemon, RequestStopTwiceIsHarmless) {
  TempDir dir;
  const auto home = make_home(dir);
  auto daemon = start(test_options(home));
  daemon->request_stop();
  daemon->request_stop();
  EXPECT_EQ(daemon.wait_exit(), 0);
}

TEST(Daemon, SigtermStopsItCleanly) {
  TempDir dir;
  const auto home = make_home(dir);
  auto options = test_options(home);
  options.handle_signals = true;
  auto daemon = start(options);
  ASSERT_TRUE(call(home, status_request()).ok());  // run() is up, so the handler is in place
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  EXPECT_EQ(daemon.wait_exit(), 0);
  EXPECT_FALSE(fs::exists(store::HomePaths::of(home).socket));
}

TEST(Daemon, SecondDaemonOnTheSameHomeIsRefused) {
  TempDir dir;
  const auto home = make_home(dir);
  auto daemon = start(test_options(home));
  auto second = Daemon::create(test_options(home));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, v1::CODE_REFUSED);
  EXPECT_NE(second.error().message.find("(pid " + std::to_string(::getpid()) + ")"),
            std::string::npos);
  EXPECT_NE(second.error().message.find("pairspace daemon stop"), std::string::npos);
  // The first one is untouched.
  auto status = call(home, status_request());
  ASSERT_TRUE(status.ok()) << status.error().message;
}

TEST(Daemon, MissingHomeIsNotReady) {
  TempDir dir;
  auto daemon = Daemon::create(test_options(dir.path / "nothing-here"));
  ASSERT_FALSE(daemon.ok());
  EXPECT_EQ(daemon.error().code, v1::CODE_NOT_READY);
  EXPECT_NE(daemon.error().message.find("pairspace init"), std::string::npos);
}

TEST(Daemon, PortInUseIsAStoreErrorNamingTheAddress) {
  TempDir dir;
  const auto home = make_home(dir);
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  auto options = test_options(home);
  const std::string address = "127.0.0.1:" + std::to_string(taken.local_endpoint().port());
  options.listen = address;
  auto daemon = Daemon::create(options);
  ASSERT_FALSE(daemon.ok());
  EXPECT_EQ(daemon.error().code, v1::CODE_STORE);
  EXPECT_NE(daemon.error().message.find("Could not listen on " + address + ": address in use"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(store::HomePaths::of(home).socket));
  // The lock was released with the failed attempt: a later start works.
  options.listen = "127.0.0.1:0";
  auto later = Daemon::create(options);
  EXPECT_TRUE(later.ok());
}

TEST(Daemon, BadListenAddressIsAUsageError) {
  TempDir dir;
  const auto home = make_home(dir);
  auto options = test_options(home);
  options.listen = "not-an-address";
  auto daemon = Daemon::create(options);
  ASSERT_FALSE(daemon.ok());
  EXPECT_EQ(daemon.error().code, v1::CODE_USAGE);
}

TEST(Daemon, StaleSocketFileIsReplaced) {
  TempDir dir;
  const auto home = make_home(dir);
  { std::ofstream(store::HomePaths::of(home).socket) << "left over"; }
  auto daemon = start(test_options(home));
  auto status = call(home, status_request());
  ASSERT_TRUE(status.ok()) << status.error().message;
}

TEST(Daemon, TooLongHomeIsRefusedClearly) {
  TempDir dir;
  auto daemon = Daemon::create(test_options(dir.path / std::string(120, 'h')));
  ASSERT_FALSE(daemon.ok());
  EXPECT_EQ(daemon.error().code, v1::CODE_USAGE);
  EXPECT_NE(daemon.error().message.find("too long"), std::string::npos);
}

TEST(Daemon, PartnerPortClosesOnAStrangersFrameWithoutSendingAByte) {
  TempDir dir;
  const auto home = make_home(dir);
  auto daemon = start(test_options(home));
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  const auto port = static_cast<std::uint16_t>(std::stoi(daemon->listen_address().substr(10)));
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  timeval tv{5, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const char frame[] = {0x00, 0x03, 0x7f, 0x01, 0x02};  // a frame of no known kind
  ASSERT_EQ(::send(socket.native_handle(), frame, sizeof frame, MSG_NOSIGNAL), 5);
  bool eof = false;
  const std::string bytes = read_to_eof(socket.native_handle(), eof);
  EXPECT_TRUE(eof);
  EXPECT_TRUE(bytes.empty());
}

TEST(Daemon, ConnectionFromAnotherUserIsClosedImmediately) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to connect as another uid";
  TempDir dir;
  const auto home = make_home(dir);
  auto daemon = start(test_options(home));
  const auto socket_path = store::HomePaths::of(home).socket;
  ASSERT_EQ(::chmod(dir.path.c_str(), 0711), 0);  // let the other user reach the socket at all
  ASSERT_EQ(::chmod(home.c_str(), 0711), 0);
  ASSERT_EQ(::chmod(socket_path.c_str(), 0666), 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.string().size() + 1);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // only async-signal-safe calls from here
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(10);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) ::_exit(11);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const char frame[] = {0, 0, 0, 2, 0x0a, 0x00};                      // a status request
    if (::send(fd, frame, sizeof frame, MSG_NOSIGNAL) < 0) ::_exit(0);  // already closed: fine
    char buf[16];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    ::_exit(n <= 0 ? 0 : 12);  // closed (EOF or reset) without an answer
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
  auto status = call(home, status_request());  // and the owner is still served
  ASSERT_TRUE(status.ok()) << status.error().message;
}

}  // namespace
}  // namespace pairspace::daemon::test
