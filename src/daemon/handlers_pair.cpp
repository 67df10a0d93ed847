// pair invite / pair invite --wait / pair join.
#include <boost/asio/ip/tcp.hpp>

#include "crypto/secure.hpp"
#include "daemon/addresses.hpp"
#include "daemon/handlers.hpp"
#include "daemon/partner.hpp"
#include "daemon/responses.hpp"
#include "net/endpoint.hpp"
#include "net/log.hpp"
#include "peer/invite_code.hpp"

namespace pairspace::daemon {

namespace asio = boost::asio;

namespace {

v1::Response already_paired(const std::string& name) {
  return error_response(make_error(v1::CODE_REFUSED, "This device is already paired with " + name +
                                                         ". To pair with someone else, first run "
                                                         "`pairspace peer forget`."));
}

std::string minutes_text(std::chrono::seconds life) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(life).count();
  return minutes == 1 ? "1 minute" : std::to_string(minutes) + " minutes";
}

}  // namespace

v1::Response Handlers::pair_invite(const v1::PairInviteRequest& request) {
  if (m_context.store->locked()) return locked_response();
  auto partner = m_context.store->partner();
  if (!partner) return error_response(partner.error());
  if (*partner) return already_paired((*partner)->name);

  std::chrono::seconds life = invite_default_life;
  if (request.expires_seconds() != 0) {
    life = std::chrono::seconds(request.expires_seconds());
    if (life < m_context.invite_min_life || life > invite_max_life) {
      return error_response(make_error(
          v1::CODE_USAGE, "An invite can last from " + minutes_text(m_context.invite_min_life) +
                              " to 24 hours; please choose an --expires "
                              "in between, for example 10m."));
    }
  }
  auto listen = net::parse_endpoint(m_context.listen_address);
  if (!listen) return error_response(listen.error());

  auto invite = m_partnership.invites().create(life);
  v1::Response response = ok_response();
  auto& out = *response.mutable_pair_invite();
  out.set_code(invite.code);
  crypto::wipe(invite.code.data(), invite.code.size());
  for (auto& address : reachable_addresses(*listen)) out.add_addresses(std::move(address));
  set_timestamp(*out.mutable_expires_at(), invite.expires_at);
  net::log_line("pair", "made an invite, valid for " + std::to_string(life.count()) + " s");
  return response;
}

asio::awaitable<v1::Response> Handlers::pair_wait() {
  if (m_context.store->locked()) co_return locked_response();
  auto outcome = co_await m_partnership.invites().wait();
  if (!outcome) co_return error_response(outcome.error());
  v1::Response response = ok_response();
  auto fresh = m_partnership.peer_info();  // connected may have changed since
  if (fresh && fresh->has_value()) {
    *response.mutable_peer_info() = std::move(**fresh);
  } else {
    *response.mutable_peer_info() = std::move(outcome.value());
  }
  co_return response;
}

asio::awaitable<v1::Response> Handlers::pair_join(v1::PairJoinRequest& request) {
  std::string& typed = *request.mutable_code();
  auto code = peer::normalise_invite_code(typed);
  crypto::wipe(typed.data(), typed.size());
  typed.clear();
  if (m_context.store->locked()) co_return locked_response();
  auto partner = m_context.store->partner();
  if (!partner) co_return error_response(partner.error());
  if (*partner) co_return already_paired((*partner)->name);
  auto endpoint = parse_dial_address(request.peer());
  if (!endpoint) co_return error_response(endpoint.error());
  if (!code) co_return error_response(code.error());
  if (m_partnership.joining()) {
    co_return error_response(make_error(v1::CODE_REFUSED,
                                        "This device is already pairing; please wait for "
                                        "that to finish, then try again if it did not work."));
  }

  std::string address = net::format_endpoint(*endpoint);
  std::string canonical = std::move(code.value());
  net::log_line("pair", "joining the device at " + address);
  m_partnership.set_joining(true);
  // The arguments are bound outside the co_await expression: see worker.hpp on g++ 12.
  auto join = m_partnership.link().join(std::move(address), std::move(canonical));
  auto joined = co_await std::move(join);
  m_partnership.set_joining(false);
  if (!joined) {
    net::log_line("pair", "joining did not work; nothing was stored");
    co_return error_response(joined.error());
  }
  auto info = m_partnership.peer_info();
  if (!info) co_return error_response(info.error());
  if (!info->has_value()) {
    co_return error_response(make_error(v1::CODE_STORE,
                                        "The pairing finished but the partner was not "
                                        "stored; please try pairing again."));
  }
  v1::Response response = ok_response();
  *response.mutable_peer_info() = std::move(**info);
  co_return response;
}

}  // namespace pairspace::daemon
