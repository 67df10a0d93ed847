#pragma once
// One partner TCP connection during a handshake (and under a live session): the socket, a
// deadline that closes it, and whole-frame reads and writes (docs/protocol.md, "TCP framing").
// Internal to the net layer.
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "peer/frame_codec.hpp"

namespace pairspace::net {

class FramedConn : public std::enable_shared_from_this<FramedConn> {
 public:
  // An open (accepted) socket gets TCP_NODELAY at once; a socket that is still to connect
  // gets it from set_no_delay() after the connect.
  explicit FramedConn(boost::asio::ip::tcp::socket socket);

  boost::asio::ip::tcp::socket& socket() { return m_socket; }
  // Closes the socket when `limit` passes (pending reads and writes then fail). The timer
  // holds only a weak reference, so it never keeps a finished connection alive.
  void arm(std::chrono::milliseconds limit);
  void disarm();
  bool timed_out() const { return m_timed_out; }
  void close();
  // Sends FIN after what is written so far and keeps reading: the partner reads every byte
  // before it sees the end. (A close() with bytes still arriving would answer them with a
  // reset, and a reset makes the partner's kernel drop what it had not read yet.)
  void shutdown_send();
  // Every frame goes out at once: the handshakes and the sync send small frames back to
  // back, and Nagle's algorithm would hold the second one until the first was acknowledged
  // (a delayed ACK: about 40 ms). Errors are ignored (the socket then only sends later).
  void set_no_delay();

 private:
  boost::asio::ip::tcp::socket m_socket;
  boost::asio::steady_timer m_deadline;
  bool m_timed_out = false;
};

// One frame body: the u16 length is checked (1..65535) before the body is allocated.
// nullopt on end of stream, any error, a zero length or the deadline.
boost::asio::awaitable<std::optional<peer::Bytes>> read_frame(FramedConn& conn);

// Writes length || body; false on any error (an empty or oversize body included).
boost::asio::awaitable<bool> write_frame(FramedConn& conn, peer::ByteView body);
boost::asio::awaitable<bool> write_frames(FramedConn& conn, const std::vector<peer::Bytes>& bodies);

}  // namespace pairspace::net
