// FramedConn: whole-frame reads with the length checked first, and the deadline.
#include "net/framed_conn.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "link_test_support.hpp"

namespace pairspace::net {
namespace {

using namespace test;
using asio::ip::tcp;

// A connected loopback pair: `server` wrapped in a FramedConn, `client` raw.
struct Pair {
  explicit Pair(asio::io_context& io) : client(io) {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    client.connect(acceptor.local_endpoint());
    server = std::make_shared<FramedConn>(acceptor.accept());
  }
  tcp::socket client;
  std::shared_ptr<FramedConn> server;
};

asio::awaitable<void> read_one(FramedConn& conn, std::optional<std::optional<peer::Bytes>>& out) {
  out.emplace(co_await read_frame(conn));
}

TEST(FramedConn, ReadsWholeFramesUpToTheLargest) {
  asio::io_context io;
  Pair pair(io);
  peer::Bytes big(peer::max_frame_body_bytes, 0xab);
  asio::write(pair.client, asio::buffer(peer::encode_frame(big).value()));
  std::optional<std::optional<peer::Bytes>> out;
  asio::co_spawn(io, read_one(*pair.server, out), asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return out.has_value(); }));
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ(**out, big);
}

TEST(FramedConn, RefusesAZeroLength) {
  asio::io_context io;
  Pair pair(io);
  const std::uint8_t zero[] = {0, 0, 1, 2};
  asio::write(pair.client, asio::buffer(zero));
  std::optional<std::optional<peer::Bytes>> out;
  asio::co_spawn(io, read_one(*pair.server, out), asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return out.has_value(); }));
  EXPECT_FALSE(out->has_value());
}

TEST(FramedConn, TruncatedFrameEndsWithoutABody) {
  asio::io_context io;
  Pair pair(io);
  const std::uint8_t partial[] = {0, 10, 1, 2, 3};
  asio::write(pair.client, asio::buffer(partial));
  pair.client.close();
  std::optional<std::optional<peer::Bytes>> out;
  asio::co_spawn(io, read_one(*pair.server, out), asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return out.has_value(); }));
  EXPECT_FALSE(out->has_value());
}

TEST(FramedConn, DeadlineClosesAStalledRead) {
  asio::io_context io;
  Pair pair(io);
  pair.server->arm(100ms);
  std::optional<std::optional<peer::Bytes>> out;
  asio::co_spawn(io, read_one(*pair.server, out), asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return out.has_value(); }, 2000ms));
  EXPECT_FALSE(out->has_value());
  EXPECT_TRUE(pair.server->timed_out());
}

TEST(FramedConn, DisarmedDeadlineLeavesTheConnectionOpen) {
  asio::io_context io;
  Pair pair(io);
  pair.server->arm(50ms);
  pair.server->disarm();
  run_for(io, 150ms);
  EXPECT_FALSE(pair.server->timed_out());
  EXPECT_TRUE(pair.server->socket().is_open());
}

TEST(FramedConn, SendsAtOnceWithoutNagle) {
  asio::io_context io;
  Pair pair(io);
  tcp::no_delay accepted;
  pair.server->socket().get_option(accepted);
  EXPECT_TRUE(accepted.value());

  auto dialled = std::make_shared<FramedConn>(tcp::socket(io));
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  dialled->socket().connect(acceptor.local_endpoint());
  tcp::no_delay before;
  dialled->socket().get_option(before);
  EXPECT_FALSE(before.value());
  dialled->set_no_delay();
  tcp::no_delay after;
  dialled->socket().get_option(after);
  EXPECT_TRUE(after.value());
}

}  // namespace
}  // namespace pairspace::net
