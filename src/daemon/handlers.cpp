#include "daemon/handlers.hpp"

#include <unistd.h>

#include <algorithm>

#include "crypto/secure.hpp"
#include "daemon/partner.hpp"
#include "daemon/responses.hpp"
#include "daemon/version.hpp"
#include "daemon/worker.hpp"
#include "net/log.hpp"

namespace pairspace::daemon {

namespace asio = boost::asio;

namespace {

// Seconds are held to +/- 2200 (sync::max_time_ms): a client's Timestamp may say anything,
// and past 2262 the nanosecond clock overflows.
store::TimePoint to_time_point(const google::protobuf::Timestamp& ts) {
  using namespace std::chrono;
  constexpr std::int64_t max_seconds = sync::max_time_ms / 1000;
  return store::TimePoint(duration_cast<system_clock::duration>(
      seconds(std::clamp(ts.seconds(), -max_seconds, max_seconds)) + nanoseconds(ts.nanos())));
}

}  // namespace

asio::awaitable<Reply> Handlers::handle(v1::Request request) {
  Reply reply;
  switch (request.body_case()) {
    case v1::Request::kStatus:
      reply.response = status();
      break;
    case v1::Request::kStop:
      reply.response = ok_response("The daemon is stopping.");
      reply.shutdown_after = true;
      break;
    case v1::Request::kUnlock:
      reply.response = co_await unlock(*request.mutable_unlock());
      break;
    case v1::Request::kJournalAdd:
      reply.response = journal_add(request.journal_add());
      break;
    case v1::Request::kJournalList:
      reply.response = journal_list(request.journal_list());
      break;
    case v1::Request::kJournalShow:
      reply.response = journal_show(request.journal_show());
      break;
    case v1::Request::kJournalDelete:
      reply.response = journal_delete(request.journal_delete());
      break;
    case v1::Request::kPairInvite:
      reply.response = pair_invite(request.pair_invite());
      break;
    case v1::Request::kPairWait:
      reply.response = co_await pair_wait();
      break;
    case v1::Request::kPairJoin:
      reply.response = co_await pair_join(*request.mutable_pair_join());
      break;
    case v1::Request::kPeerShow:
      reply.response = peer_show();
      break;
    case v1::Request::kPeerAddress:
      reply.response = peer_address(request.peer_address());
      break;
    case v1::Request::kPeerForget:
      reply.response = co_await peer_forget();
      break;
    case v1::Request::kSpaceNeed:
      reply.response = space_need(request.space_need());
      break;
    case v1::Request::kSpaceEnd:
      reply.response = space_end(request.space_end());
      break;
    case v1::Request::kSpaceAck:
      reply.response = space_ack(request.space_ack());
      break;
    case v1::Request::kCheckIn:
      reply.response = check_in(request.check_in());
      break;
    case v1::Request::kCheckInNext:
      reply.response = check_in_next(request.check_in_next());
      break;
    case v1::Request::kAgreePropose:
      reply.response = agree_propose(request.agree_propose());
      break;
    case v1::Request::kAgreeList:
      reply.response = agree_list(request.agree_list());
      break;
    case v1::Request::kAgreeRespond:
      reply.response = agree_respond(request.agree_respond());
      break;
    case v1::Request::kAgreeRevoke:
      reply.response = agree_revoke(request.agree_revoke());
      break;
    case v1::Request::kCalendar:
      reply.response = calendar();
      break;
    case v1::Request::kHistory:
      reply.response = history(request.history());
      break;
    case v1::Request::kWatch:
      reply = watch();
      break;
    case v1::Request::BODY_NOT_SET:
    default:
      reply.response = error_response(
          make_error(v1::CODE_USAGE,
                     "The daemon does not know this request; are pairspace and pairspaced "
                     "from the same version?"));
  }
  co_return reply;
}

v1::Response Handlers::status() const {
  v1::Response response = ok_response();
  auto& status = *response.mutable_daemon_status();
  status.set_pid(static_cast<std::uint32_t>(::getpid()));
  status.set_home(m_context.home.string());
  status.set_listen_address(m_context.listen_address);
  status.set_locked(m_context.store->locked());
  if (!status.locked()) {
    if (auto identity = m_context.store->identity(); identity.ok()) {
      status.set_device_name(identity->name);
      status.set_device_id(identity->device_id);
    }
  }
  if (!status.locked()) {
    if (auto partner = m_partnership.peer_info(); partner.ok() && partner->has_value()) {
      status.set_paired(true);
      status.set_partner_connected((*partner)->connected());
      *status.mutable_partner() = std::move(**partner);
    }
  }
  if (status.paired()) shared_status(status);
  status.set_notice(m_partnership.notice());
  status.set_version(std::string(version));
  return response;
}

asio::awaitable<v1::Response> Handlers::unlock(v1::UnlockRequest& request) {
  std::string& secret = *request.mutable_passphrase();
  crypto::SecureBytes passphrase(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(secret.data()),
                                    secret.size()));  // NOLINT: bytes of a string
  crypto::wipe(secret.data(), secret.size());
  secret.clear();

  auto params = m_context.store->passphrase_params();
  if (!m_context.store->locked() || !params) {
    co_return ok_response(params ? "This device is already unlocked."
                                 : "This device uses a key file, so there is nothing to unlock.");
  }
  if (passphrase.empty()) {
    co_return error_response(make_error(v1::CODE_USAGE,
                                        "The passphrase was empty; please type it "
                                        "on stdin (`pairspace unlock --passphrase-stdin`)."));
  }
  auto derive = [p = *params, secret_bytes = std::move(passphrase)]() {
    return store::derive_passphrase_key(p, secret_bytes.span());
  };
  auto key = co_await run_on_worker(m_workers, std::move(derive));
  if (!key) co_return error_response(key.error());
  if (!m_context.store->locked()) co_return ok_response("This device is already unlocked.");
  if (auto st = m_context.store->unlock(*key); !st) {
    net::log_line("store", "an unlock attempt failed");
    co_return error_response(st.error());
  }
  net::log_line("store", "unlocked");
  if (auto st = m_partnership.reload(); !st) {
    net::log_line("store", "unlocked, but the partner could not be loaded: " + st.error().message);
  }
  co_return ok_response("Unlocked.");
}

v1::Response Handlers::journal_add(const v1::JournalAddRequest& request) {
  if (m_context.store->locked()) return locked_response();
  if (request.text().empty()) {
    return error_response(
        make_error(v1::CODE_USAGE, "The journal entry is empty; please write some text."));
  }
  auto entry = m_context.store->journal_add(request.text(), std::chrono::system_clock::now());
  if (!entry) return error_response(entry.error());
  v1::Response response = ok_response();
  *response.mutable_journal_entry() = std::move(entry.value());
  return response;
}

v1::Response Handlers::journal_list(const v1::JournalListRequest& request) const {
  if (m_context.store->locked()) return locked_response();
  std::optional<store::TimePoint> since;
  if (request.has_since()) since = to_time_point(request.since());
  auto entries = m_context.store->journal_list(request.grep(), since);
  if (!entries) return error_response(entries.error());
  v1::Response response = ok_response();
  auto& out = *response.mutable_journal_entries();
  for (auto& entry : entries.value()) *out.add_entries() = std::move(entry);
  return response;
}

v1::Response Handlers::journal_show(const v1::JournalShowRequest& request) const {
  if (m_context.store->locked()) return locked_response();
  auto entry = m_context.store->journal_get(request.id());
  if (!entry) return error_response(entry.error());
  v1::Response response = ok_response();
  *response.mutable_journal_entry() = std::move(entry.value());
  return response;
}

v1::Response Handlers::journal_delete(const v1::JournalDeleteRequest& request) {
  if (m_context.store->locked()) return locked_response();
  if (auto st = m_context.store->journal_delete(request.id()); !st)
    return error_response(st.error());
  return ok_response();
}

}  // namespace pairspace::daemon
