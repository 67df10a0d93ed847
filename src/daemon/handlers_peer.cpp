// peer / peer address / peer forget.
#include "daemon/addresses.hpp"
#include "daemon/handlers.hpp"
#include "daemon/partner.hpp"
#include "daemon/responses.hpp"
#include "net/endpoint.hpp"
#include "net/log.hpp"
#include "peer/unpair.hpp"

namespace pairspace::daemon {

namespace asio = boost::asio;

namespace {
constexpr auto unpair_send_limit =
    std::chrono::seconds(3);  // telling the partner must not hang forget
}  // namespace

v1::Response Handlers::peer_show() const {
  if (m_context.store->locked()) return locked_response();
  auto info = m_partnership.peer_info();
  if (!info) return error_response(info.error());
  if (!info->has_value()) return not_paired_response();
  v1::Response response = ok_response();
  *response.mutable_peer_info() = std::move(**info);
  return response;
}

v1::Response Handlers::peer_address(const v1::PeerAddressRequest& request) {
  if (m_context.store->locked()) return locked_response();
  auto endpoint = parse_dial_address(request.address());
  if (!endpoint) return error_response(endpoint.error());
  auto partner = m_context.store->partner();
  if (!partner) return error_response(partner.error());
  if (!*partner) return not_paired_response();
  if (auto st = m_partnership.set_address(net::format_endpoint(*endpoint)); !st)
    return error_response(st.error());
  auto info = m_partnership.peer_info();
  if (!info) return error_response(info.error());
  if (!info->has_value()) return not_paired_response();
  v1::Response response = ok_response();
  *response.mutable_peer_info() = std::move(**info);
  return response;
}

asio::awaitable<v1::Response> Handlers::peer_forget() {
  if (m_context.store->locked()) co_return locked_response();
  auto partner = m_context.store->partner();
  if (!partner) co_return error_response(partner.error());
  if (!*partner) co_return not_paired_response();

  bool told = false;
  const auto& identity = m_partnership.identity();
  if (auto hash = m_partnership.link().session_handshake_hash(); hash && identity) {
    auto signature = peer::sign_unpair(*hash, identity->sign_secret.span());
    if (signature) {
      v1::Frame frame;
      frame.mutable_unpair()->set_signature(signature->data(), signature->size());
      const std::chrono::milliseconds limit = unpair_send_limit;
      // The arguments are bound outside the co_await expression: see worker.hpp on g++ 12.
      auto send = m_partnership.link().send_last(std::move(frame), limit);
      auto sent = co_await std::move(send);
      told = sent.ok();
    }
  }
  if (auto st = m_partnership.forget(); !st) co_return error_response(st.error());
  net::log_line("peer", told ? "forgot the partner; its device was told"
                             : "forgot the partner; its device could not be told");
  v1::Response response = ok_response();
  response.mutable_peer_forget()->set_partner_told(told);
  co_return response;
}

}  // namespace pairspace::daemon
