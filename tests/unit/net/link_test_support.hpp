#pragma once
// Test scaffolding for PartnerLink: a recording LinkDelegate with real keys, a node
// (listener on 127.0.0.1:0 + link), and a bounded run loop. No sleeps: every wait is
// io_context::run_for until a condition holds or a deadline passes.
#include <utility>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/identity_keys.hpp"
#include "net/framed_conn.hpp"
#include "net/listener.hpp"
#include "net/partner_link.hpp"
#include "peer/session.hpp"

namespace pairspace::net::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class FakeDelegate : public LinkDelegate {
 public:
  explicit FakeDelegate(std::string device_name) : name(std::move(device_name)) {}

  std::string name;
  std::uint16_t port = 0;
  crypto::IdentityKeys keys = crypto::generate_identity_keys();
  std::optional<std::string> invite;
  int invite_takes = 0;
  std::vector<peer::PairResult> paired;
  std::vector<std::string> paired_addresses;
  std::vector<Error> pair_failures;
  std::optional<Error> fail_on_paired;
  std::uint64_t last_accepted = 0;
  std::uint64_t last_sent = 0;
  int ups = 0;
  int downs = 0;
  std::vector<std::string> remotes;
  std::vector<v1::Frame> frames;
  std::vector<peer::Bytes> frame_hashes;
  bool link_closed = false;  // set by the test after close(): any call then is a failure
  int calls_after_close = 0;

  peer::LocalDevice local_device() override {
    return peer::LocalDevice{name, keys.sign_public, keys.sign_secret.span(), keys.dh_public,
                             keys.dh_secret.span(), port};
  }
  std::optional<std::string> take_invite_code() override {
    note();
    ++invite_takes;
    return std::exchange(invite, std::nullopt);
  }
  Status on_paired(const peer::PairResult& result, const std::string& address) override {
    note();
    if (fail_on_paired) return *fail_on_paired;
    paired.push_back(result);
    paired_addresses.push_back(address);
    return ok_status();
  }
  void on_pair_failed(const Error& error) override {
    note();
    pair_failures.push_back(error);
  }
  Result<std::uint64_t> last_accepted_session_ts() override { return last_accepted; }
  Status set_last_accepted_session_ts(std::uint64_t ts) override {
    last_accepted = ts;
    return ok_status();
  }
  Result<std::uint64_t> next_session_ts(std::uint64_t now) override {
    last_sent = peer::next_session_timestamp(now, last_sent);
    return last_sent;
  }
  void on_session_up(const std::string& remote) override {
    note();
    ++ups;
    remotes.push_back(remote);
  }
  void on_session_down() override {
    note();
    ++downs;
  }
  void on_frame(const v1::Frame& frame, peer::ByteView hash) override {
    note();
    frames.push_back(frame);
    frame_hashes.emplace_back(hash.begin(), hash.end());
  }

  // How the other side pins this device.
  PinnedPartner pinned(bool with_address) const {
    PinnedPartner partner;
    partner.sign_public = keys.sign_public;
    partner.dh_public = keys.dh_public;
    if (with_address) partner.address = "127.0.0.1:" + std::to_string(port);
    return partner;
  }

 private:
  void note() {
    if (link_closed) ++calls_after_close;
  }
};

inline LinkTimings fast_timings() {
  LinkTimings t;
  t.handshake_timeout = 2000ms;
  t.keepalive = 5000ms;
  t.idle_timeout = 15000ms;
  t.backoff_initial = 50ms;
  t.backoff_max = 400ms;
  return t;
}

// A device: a listener on 127.0.0.1:0 handing sockets to its (replaceable) link.
class Node {
 public:
  Node(asio::io_context& io, std::string name, LinkTimings timings = fast_timings())
      : m_io(io), m_timings(timings), delegate(std::move(name)) {
    auto opened = Listener::open(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    if (!opened) throw std::runtime_error(opened.error().message);
    listener = std::move(*opened);
    delegate.port = listener->local_endpoint().port();
    link = std::make_unique<PartnerLink>(io, delegate, timings);
    listener->start([this](asio::ip::tcp::socket socket) {
      if (link) link->accept(std::move(socket));
    });
  }
  ~Node() {
    if (link) link->close();
    listener->close();
  }
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(delegate.port); }
  void restart_link() {
    link->close();
    link = std::make_unique<PartnerLink>(m_io, delegate, m_timings);
  }

 private:
  asio::io_context& m_io;
  LinkTimings m_timings;

 public:
  FakeDelegate delegate;
  std::unique_ptr<Listener> listener;
  std::unique_ptr<PartnerLink> link;
};

// Runs io until `done()` holds or `limit` passes; returns done().
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(5ms);
  }
  return done();
}

// Runs io for `span` (to show that something does NOT happen).
inline void run_for(asio::io_context& io, std::chrono::milliseconds span) {
  const auto deadline = std::chrono::steady_clock::now() + span;
  while (std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(5ms);
  }
}

template <class T>
asio::awaitable<void> store_into(asio::awaitable<T> task, std::optional<T>& out) {
  out.emplace(co_await std::move(task));
}

// Starts `task` on io and stores its result in `out` when it finishes.
template <class T>
void spawn_into(asio::io_context& io, asio::awaitable<T> task, std::optional<T>& out) {
  asio::co_spawn(io, store_into(std::move(task), out), asio::detached);
}

// What a raw client saw: bytes received before the end of the stream.
struct RawOutcome {
  bool connected = false;
  bool finished = false;
  bool eof = false;
  std::size_t bytes = 0;
  bool handshake_ok = false;
};

inline asio::awaitable<void> read_to_end(FramedConn& conn, RawOutcome& out) {
  std::array<std::uint8_t, 256> buffer{};
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n = co_await conn.socket().async_read_some(
        asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
    out.bytes += n;
    if (ec) {
      out.eof = ec == asio::error::eof || ec == asio::error::connection_reset;
      break;
    }
  }
}

// Connects, writes `bodies` as frames, then reads until the other side closes.
inline asio::awaitable<void> send_and_watch(asio::io_context& io, std::string address,
                                     std::vector<peer::Bytes> bodies, RawOutcome& out) {
  auto conn = std::make_shared<FramedConn>(asio::ip::tcp::socket(io));
  conn->arm(std::chrono::milliseconds(3000));
  boost::system::error_code ec;
  const auto port = static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
  co_await conn->socket().async_connect(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), port),
                                        asio::redirect_error(asio::use_awaitable, ec));
  out.connected = !ec;
  if (!ec && co_await write_frames(*conn, bodies)) co_await read_to_end(*conn, out);
  conn->close();
  out.finished = true;
}

}  // namespace pairspace::net::test
