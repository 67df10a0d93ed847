#pragma once
// Runs a joiner and an inviter against each other in memory, the way two daemons would over
// one TCP connection: each side's queued bodies are delivered in order; a side that failed
// has closed, so later bodies to it are dropped. tamper may change any body in flight.
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "peer/pairing_inviter.hpp"
#include "peer/pairing_joiner.hpp"
#include "test_devices.hpp"

namespace pairspace::peer::test {

using Tamper = std::function<void(int index, Bytes& body)>;

struct PairingRun {
  std::optional<PairingJoiner> joiner;
  std::optional<PairingInviter> inviter;
  std::optional<Error> joiner_error;
  std::optional<Error> inviter_error;
  std::vector<Bytes> joiner_sent;
  std::vector<Bytes> inviter_sent;
  int messages = 0;
};

inline PairingRun run_pairing(const TestDevice& j, const TestDevice& i,
                              const std::string& joiner_code, const std::string& inviter_code,
                              const Tamper& tamper = {}) {
  PairingRun run;
  Result<PairingJoiner> joiner = PairingJoiner::start(j.local(), joiner_code);
  if (!joiner) {
    run.joiner_error = joiner.error();
    return run;
  }
  run.joiner.emplace(std::move(*joiner));
  std::deque<Bytes> to_inviter;
  std::deque<Bytes> to_joiner;
  auto send = [&](std::deque<Bytes>& queue, std::vector<Bytes> bodies, std::vector<Bytes>& log) {
    for (Bytes& body : bodies) {
      if (tamper) tamper(run.messages, body);
      ++run.messages;
      log.push_back(body);
      queue.push_back(std::move(body));
    }
  };
  auto pop = [](std::deque<Bytes>& queue) {
    Bytes body = std::move(queue.front());
    queue.pop_front();
    return body;
  };

  send(to_inviter, run.joiner->take_outgoing(), run.joiner_sent);
  Result<PairingInviter> inviter = PairingInviter::accept(i.local(), inviter_code, pop(to_inviter));
  if (!inviter) {
    run.inviter_error = inviter.error();
    return run;
  }
  run.inviter.emplace(std::move(*inviter));
  send(to_joiner, run.inviter->take_outgoing(), run.inviter_sent);

  for (int round = 0; round < 20 && (!to_inviter.empty() || !to_joiner.empty()); ++round) {
    while (!to_joiner.empty()) {
      Bytes body = pop(to_joiner);
      if (run.joiner_error) continue;
      if (Status status = run.joiner->receive(body); !status) run.joiner_error = status.error();
      send(to_inviter, run.joiner->take_outgoing(), run.joiner_sent);
    }
    while (!to_inviter.empty()) {
      Bytes body = pop(to_inviter);
      if (run.inviter_error) continue;
      if (Status status = run.inviter->receive(body); !status) run.inviter_error = status.error();
      send(to_joiner, run.inviter->take_outgoing(), run.inviter_sent);
    }
  }
  return run;
}

}  // namespace pairspace::peer::test
