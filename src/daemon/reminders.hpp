#pragma once
// Reminders from the shared state: a check-in falls due (check_in_due), nobody checked in
// within the window (check_in_missed), the partner's time of space ran out (space_ended).
// One timer, set to the nearest of those instants and recomputed whenever the state
// changes. Network thread only.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <set>
#include <string>

#include "daemon/events.hpp"
#include "daemon/shared.hpp"

namespace pairspace::daemon {

class Reminders {
 public:
  Reminders(boost::asio::io_context& io, SharedSpace& shared, Events& events);
  // Fires what is due now, then sets the timer for the next one.
  void recompute();
  void close();

 private:
  void publish(std::string kind, std::string message);

  boost::asio::steady_timer m_timer;
  SharedSpace& m_shared;
  Events& m_events;
  SystemClock::time_point m_since;  // nothing before the daemon started is announced late
  std::set<std::string> m_done;     // what was announced already
  bool m_closed = false;
};

}  // namespace pairspace::daemon
