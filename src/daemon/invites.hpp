#pragma once
// The pairing invite (`pair invite`): at most one, in the daemon's memory only, one attempt
// (taking its code burns it), a limited life. `pair invite --wait` awaits its outcome.
// Network thread only.
// clang-format off: must come first
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "pairspace.pb.h"
#include "util/result.hpp"

namespace pairspace::daemon {

constexpr std::chrono::seconds invite_default_life{10 * 60};
constexpr std::chrono::seconds invite_min_life{60};
constexpr std::chrono::seconds invite_max_life{24 * 60 * 60};
// Once its code is taken, the invite waits this long for the attempt's outcome.
constexpr std::chrono::seconds invite_attempt_grace{30};

class Invites {
 public:
  struct Created {
    std::string code;  // canonical, e.g. "7-amber-lantern-sparrow"
    std::chrono::system_clock::time_point expires_at;
  };

  explicit Invites(boost::asio::io_context& io) : m_io(io) {}
  ~Invites();
  Invites(const Invites&) = delete;
  Invites& operator=(const Invites&) = delete;

  // A fresh invite; an older one ends (its waiters hear it was replaced).
  Created create(std::chrono::seconds life);
  // The code of an unused, unexpired invite, burned by this call; else nullopt.
  std::optional<std::string> take_code();
  // Pairing finished: the invite (used or not) ends with this partner.
  void succeed(const v1::PeerInfo& partner);
  // The attempt that burned the invite failed; nothing happens when none is under way.
  void fail(const Error& error);
  // Ends the invite with `why` (forget, shutdown).
  void drop(const Error& why);

  // Waits until the current invite ended: the partner, or an error a person can read
  // (CODE_REFUSED: wrong code / expired / replaced; CODE_NOT_READY: there is none).
  boost::asio::awaitable<Result<v1::PeerInfo>> wait();

  struct Invite;

 private:
  void end(Invite& invite, Result<v1::PeerInfo> outcome);

  boost::asio::io_context& m_io;
  std::shared_ptr<Invite> m_current;
};

}  // namespace pairspace::daemon
