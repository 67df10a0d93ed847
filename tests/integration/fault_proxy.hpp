#pragma once
// A loopback TCP proxy for fault tests: accepts on 127.0.0.1:<free port>, connects each
// client to 127.0.0.1:<target>, and forwards the bytes both ways, unframed. With faults
// switched on it draws, from a seeded RNG, the byte offsets in each direction at which it
//   * cuts the connection: both sides (FIN, or RST through SO_LINGER 0) or one side only
//     (the other side is reset as soon as it sends, or after `orphan_linger`),
//   * stalls it: forwards nothing in that direction for a while,
//   * slices it: forwards the next bytes in 1..N-byte pieces with small pauses.
// It can also limit the rate in each direction (a slow link), so a sync lasts long enough
// to be interrupted many times.
// Kinds come from a shuffled bag, so every kind happens once in each three faults. The
// same seed gives the same fault plan for the same byte streams.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace pairspace::itest {

struct FaultPlan {
  bool cut = true;
  bool stall = true;
  bool slice = true;
  std::size_t mean_bytes_between = 32 * 1024;  // per direction, drawn uniformly in [1, 2 * mean]
  std::chrono::milliseconds max_stall{1500};
  std::size_t max_piece_bytes = 7;              // slices are 1..max_piece_bytes long
  std::size_t max_sliced_bytes = 4096;          // one slice event covers up to this many bytes
  std::chrono::microseconds max_piece_pause{1500};
  std::chrono::milliseconds orphan_linger{3000};  // a one-side cut resets the other side by then
};

struct FaultCounts {
  std::size_t connections = 0;
  std::size_t cuts = 0;       // both sides closed (FIN or RST)
  std::size_t resets = 0;     // of which with RST
  std::size_t half_cuts = 0;  // one side closed, the other left hanging
  std::size_t stalls = 0;
  std::size_t slices = 0;
  std::size_t bytes = 0;      // forwarded, both directions
  std::size_t faults() const { return cuts + half_cuts + stalls + slices; }
};

class FaultProxy {
 public:
  FaultProxy(std::uint16_t target_port, std::uint64_t seed);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  bool listening() const { return m_listen_fd >= 0; }
  std::string address() const;  // "127.0.0.1:PORT"

  // Faults from now on (plan), or a faithful forwarder (faults_off). Open connections keep
  // their byte countdowns; stalls and slices already started run out.
  void faults_on(const FaultPlan& plan);  // (a new plan starts a new bag)
  void faults_off();
  // Holds every byte (new connections too) until release(); nothing is read or written.
  void hold();
  void release();
  // At most this many bytes per second in each direction of each connection; 0: no limit.
  void limit_rate(std::size_t bytes_per_second);
  // Closes every open connection now, both sides; `reset`: with RST instead of FIN.
  void cut_all(bool reset);
  // Closes one side of every open connection (0: the dialler's, 1: the target's) and leaves
  // the other hanging, as a middlebox that forgot the connection: it is reset when it next
  // sends (unless `silent`: what it sends is dropped), or after `linger`.
  void cut_one_side(int side, bool reset, std::chrono::milliseconds linger, bool silent = false);

  FaultCounts counts() const;
  std::size_t open_connections() const;

  struct Connection;

 private:
  void loop();
  void accept_one();
  void read_side(Connection& c, int side);
  void write_side(Connection& c, int to);
  void fault(Connection& c, int to);
  void close_side(Connection& c, int side, bool reset);
  void close_both(Connection& c, bool reset);
  std::size_t next_countdown();
  template <typename T>
  T uniform(T low, T high);

  std::uint16_t m_target = 0;
  std::uint16_t m_port = 0;
  int m_listen_fd = -1;
  int m_wake[2] = {-1, -1};
  std::atomic<bool> m_stop{false};

  mutable std::mutex m_mutex;
  std::mt19937_64 m_rng;
  bool m_faults = false;
  bool m_held = false;
  std::size_t m_rate = 0;
  FaultPlan m_plan;
  std::vector<int> m_kinds;  // fault kinds still to draw from the current bag
  FaultCounts m_counts;
  std::vector<std::unique_ptr<Connection>> m_connections;

  std::thread m_thread;  // last: starts after everything above exists
};

}  // namespace pairspace::itest
