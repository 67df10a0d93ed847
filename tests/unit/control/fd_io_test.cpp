#include "control/fd_io.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <thread>

namespace pairspace::control {
namespace {

using namespace std::chrono_literals;

struct SocketPair {
  int fds[2] = {-1, -1};
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0); }
  ~SocketPair() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
  void close_side(int i) {
    ::close(fds[i]);
    fds[i] = -1;
  }
};

TEST(FdIo, RoundTripsBytes) {
  SocketPair pair;
  const std::array<std::uint8_t, 5> out{1, 2, 3, 4, 5};
  ASSERT_EQ(write_all(pair.fds[0], out, IoClock::now() + 1s), IoOutcome::ok);
  std::array<std::uint8_t, 5> in{};
  ASSERT_EQ(read_exact(pair.fds[1], in, IoClock::now() + 1s), IoOutcome::ok);
  EXPECT_EQ(in, out);
}

TEST(FdIo, ReadTimesOutWhenNothingArrives) {
  SocketPair pair;
  std::array<std::uint8_t, 4> in{};
  const auto start = IoClock::now();
  EXPECT_EQ(read_exact(pair.fds[1], in, start + 100ms), IoOutcome::timeout);
  EXPECT_GE(IoClock::now() - start, 100ms);
  EXPECT_LT(IoClock::now() - start, 5s);
}

TEST(FdIo, ReadReportsCloseMidMessage) {
  SocketPair pair;
  const std::array<std::uint8_t, 2> part{9, 9};
  ASSERT_EQ(write_all(pair.fds[0], part, IoClock::now() + 1s), IoOutcome::ok);
  pair.close_side(0);
  std::array<std::uint8_t, 4> in{};
  EXPECT_EQ(read_exact(pair.fds[1], in, IoClock::now() + 1s), IoOutcome::closed);
}

TEST(FdIo, ReadCompletesWhenBytesArriveLater) {
  SocketPair pair;
  std::thread writer([&] {
    std::this_thread::sleep_for(50ms);
    const std::array<std::uint8_t, 3> out{7, 8, 9};
    EXPECT_EQ(write_all(pair.fds[0], out, IoClock::now() + 1s), IoOutcome::ok);
  });
  std::array<std::uint8_t, 3> in{};
  EXPECT_EQ(read_exact(pair.fds[1], in, IoClock::now() + 5s), IoOutcome::ok);
  writer.join();
  EXPECT_EQ(in, (std::array<std::uint8_t, 3>{7, 8, 9}));
}

TEST(FdIo, WriteToClosedPeerIsClosedNotSigpipe) {
  SocketPair pair;
  pair.close_side(1);
  const std::array<std::uint8_t, 3> out{1, 2, 3};
  EXPECT_EQ(write_all(pair.fds[0], out, IoClock::now() + 1s), IoOutcome::closed);
}

TEST(FdIo, WriteTimesOutWhenThePeerNeverReads) {
  SocketPair pair;
  const std::vector<std::uint8_t> big(8u << 20, 0xAB);  // more than any socket buffer
  EXPECT_EQ(write_all(pair.fds[0], big, IoClock::now() + 100ms), IoOutcome::timeout);
}

}  // namespace
}  // namespace pairspace::control
