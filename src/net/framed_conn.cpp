#include "net/framed_conn.hpp"

#include <array>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace pairspace::net {

namespace asio = boost::asio;
using asio::redirect_error;
using asio::use_awaitable;

FramedConn::FramedConn(asio::ip::tcp::socket socket)
    : m_socket(std::move(socket)), m_deadline(m_socket.get_executor()) {
  if (m_socket.is_open()) set_no_delay();
}

void FramedConn::set_no_delay() {
  boost::system::error_code ignored;
  m_socket.set_option(asio::ip::tcp::no_delay(true), ignored);
}

void FramedConn::arm(std::chrono::milliseconds limit) {
  m_deadline.expires_after(limit);
  m_deadline.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      self->m_timed_out = true;
      self->close();
    }
  });
}

void FramedConn::disarm() { m_deadline.cancel(); }

void FramedConn::close() {
  boost::system::error_code ignored;
  m_socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  m_socket.close(ignored);
  m_deadline.cancel();
}

void FramedConn::shutdown_send() {
  boost::system::error_code ignored;
  m_socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

asio::awaitable<std::optional<peer::Bytes>> read_frame(FramedConn& conn) {
  std::array<std::uint8_t, peer::frame_header_bytes> header{};
  boost::system::error_code ec;
  co_await asio::async_read(conn.socket(), asio::buffer(header), redirect_error(use_awaitable, ec));
  if (ec) co_return std::nullopt;
  const std::size_t length = (std::size_t{header[0]} << 8) | std::size_t{header[1]};
  if (length == 0) co_return std::nullopt;  // at most 65535 by construction
  peer::Bytes body(length);
  co_await asio::async_read(conn.socket(), asio::buffer(body), redirect_error(use_awaitable, ec));
  if (ec) co_return std::nullopt;
  co_return body;
}

asio::awaitable<bool> write_frame(FramedConn& conn, peer::ByteView body) {
  Result<peer::Bytes> frame = peer::encode_frame(body);
  if (!frame) co_return false;
  boost::system::error_code ec;
  co_await asio::async_write(conn.socket(), asio::buffer(*frame), redirect_error(use_awaitable, ec));
  co_return !ec;
}

asio::awaitable<bool> write_frames(FramedConn& conn, const std::vector<peer::Bytes>& bodies) {
  for (const peer::Bytes& body : bodies) {
    if (!co_await write_frame(conn, body)) co_return false;
  }
  co_return true;
}

}  // namespace pairspace::net
