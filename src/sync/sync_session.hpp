#pragma once
// Sans-IO sync of the op log with the partner over one connection (docs/sync.md "Sync").
// On connect each side sends SyncHello{highest seq per author}; each then streams the ops
// the other is missing in bounded OpBatch frames (at most max_batches_in_flight unacked),
// the receiver applies each batch in one transaction and answers BatchAck{its heads}.
// After that, new local ops go out the same way as they are made. Any error from
// on_frame means: drop the connection (nothing of the offending batch was applied).
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pairspace.pb.h"
#include "sync/op_log.hpp"

namespace pairspace::sync {

inline constexpr std::size_t max_batch_ops = 256;
inline constexpr std::size_t max_batch_bytes = 48 * 1024;  // op bytes; a Frame stays < 50 KiB
inline constexpr std::size_t max_batches_in_flight = 4;

class SyncSession {
 public:
  explicit SyncSession(OpLog& log) : m_log(log) {}

  // True for the Frame variants this session handles (sync_hello, op_batch, batch_ack).
  static bool handles(const v1::Frame& frame);

  // The first frame to send on a new connection (once).
  v1::Frame hello();
  // A sync frame from the partner -> frames to send. Error: drop the connection.
  Result<std::vector<v1::Frame>> on_frame(const v1::Frame& frame);
  // After OpLog::create_local_op: the batches that can go out now (none before the
  // partner's hello arrived or while the window is full; they follow on the next ack).
  std::vector<v1::Frame> on_local_op();

  bool hello_received() const { return m_hello_received; }
  std::size_t batches_in_flight() const { return m_in_flight; }
  // The partner holds everything we hold, as far as it has told us (acked).
  bool partner_caught_up() const;
  // We hold everything the partner said it holds.
  bool caught_up_with_partner() const;

 private:
  Status take_heads(const google::protobuf::RepeatedPtrField<v1::AuthorHead>& heads,
                    bool from_hello);
  std::vector<v1::Frame> pump();

  OpLog& m_log;
  bool m_hello_received = false;
  std::size_t m_in_flight = 0;
  std::array<std::uint64_t, 2> m_sent{};         // [self, partner]: partner has or was sent
  std::array<std::uint64_t, 2> m_partner_says{}; // [self, partner]: partner's latest heads
};

}  // namespace pairspace::sync
