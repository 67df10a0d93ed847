#pragma once
// Events for people: watchers (`pairspace watch` connections) and the optional hook
// command hear each one. Network thread only.
#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "daemon/control_server.hpp"
#include "pairspace.pb.h"

namespace pairspace::daemon {

class Events {
 public:
  // A watching connection; dropped on its own once the connection is gone.
  void watch(const std::shared_ptr<ReplyStream>& stream);
  // Hook command from HOME/config (`hook = ...`); empty: none.
  void set_hook(std::string command) { m_hook = std::move(command); }
  void publish(const v1::Event& event);
  std::size_t watchers() const { return m_watchers.size(); }

 private:
  std::list<std::weak_ptr<ReplyStream>> m_watchers;
  std::string m_hook;
};

// The `hook = ...` line of HOME/config (simple `key = value` lines); empty when none.
std::string read_hook_config(const std::string& home);

}  // namespace pairspace::daemon
