#include "daemon/invites.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "crypto/secure.hpp"
#include "peer/invite_code.hpp"

namespace pairspace::daemon {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

struct Invites::Invite {
  explicit Invite(asio::io_context& io) : signal(io) {}
  ~Invite() { forget_code(); }
  void forget_code() {
    crypto::wipe(code.data(), code.size());
    code.clear();
  }

  std::string code;                 // empty once taken
  SteadyClock::time_point expires;  // unused invites end here
  bool burned = false;
  SteadyClock::time_point attempt_deadline;  // burned: the outcome is due by then
  std::optional<Result<v1::PeerInfo>> outcome;
  asio::steady_timer signal;  // fires at the next deadline; cancelled when an outcome arrives
};

namespace {

Error replaced() {
  return make_error(v1::CODE_REFUSED, "A newer invite replaced this one; use the code it printed.");
}
Error expired() {
  return make_error(v1::CODE_REFUSED,
                    "The invite expired before anyone used it. Make a fresh one "
                    "with `pairspace pair invite`.");
}
Error unfinished() {
  return make_error(v1::CODE_REFUSED,
                    "Someone started to pair with this invite but it didn't finish, so "
                    "the invite is used up and nothing was paired. Make a fresh one "
                    "with `pairspace pair invite`.");
}

}  // namespace

Invites::~Invites() {
  if (m_current && !m_current->outcome) {
    m_current->forget_code();
    m_current->signal.cancel();
  }
}

Invites::Created Invites::create(std::chrono::seconds life) {
  if (m_current && !m_current->outcome) end(*m_current, replaced());
  auto invite = std::make_shared<Invite>(m_io);
  invite->code = peer::generate_invite_code();
  invite->expires = SteadyClock::now() + life;
  invite->signal.expires_at(invite->expires);
  m_current = invite;
  return Created{invite->code, std::chrono::system_clock::now() + life};
}

std::optional<std::string> Invites::take_code() {
  if (!m_current || m_current->outcome || m_current->burned) return std::nullopt;
  if (SteadyClock::now() >= m_current->expires) {
    m_current->forget_code();
    return std::nullopt;
  }
  std::optional<std::string> code(std::move(m_current->code));
  m_current->forget_code();
  m_current->burned = true;
  m_current->attempt_deadline = SteadyClock::now() + invite_attempt_grace;
  m_current->signal.expires_at(m_current->attempt_deadline);  // wakes waiters to re-check
  return code;
}

void Invites::succeed(const v1::PeerInfo& partner) {
  if (m_current && !m_current->outcome) end(*m_current, partner);
}

void Invites::fail(const Error& error) {
  if (!m_current || m_current->outcome || !m_current->burned) return;
  if (error.code == v1::CODE_REFUSED) {
    end(*m_current,
        make_error(
            v1::CODE_REFUSED,
            "Someone tried to pair with a code that didn't match, so the invite is "
            "used up and nothing was paired. Make a fresh one with `pairspace pair invite`."));
  } else {
    end(*m_current, unfinished());
  }
}

void Invites::drop(const Error& why) {
  if (m_current && !m_current->outcome) end(*m_current, why);
  m_current.reset();
}

void Invites::end(Invite& invite, Result<v1::PeerInfo> outcome) {
  invite.outcome = std::move(outcome);
  invite.forget_code();
  invite.signal.cancel();
}

asio::awaitable<Result<v1::PeerInfo>> Invites::wait() {
  const std::shared_ptr<Invite> invite =
      m_current;  // a replacement must not change whom we wait for
  if (!invite) {
    co_return make_error(v1::CODE_NOT_READY,
                         "There is no invite to wait for. Make one with "
                         "`pairspace pair invite`.");
  }
  for (;;) {
    if (invite->outcome) co_return *invite->outcome;
    const auto now = SteadyClock::now();
    if (!invite->burned && now >= invite->expires) {
      end(*invite, expired());
      continue;
    }
    if (invite->burned && now >= invite->attempt_deadline) {
      end(*invite, unfinished());
      continue;
    }
    boost::system::error_code ec;
    co_await invite->signal.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace pairspace::daemon
