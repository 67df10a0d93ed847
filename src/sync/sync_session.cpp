#include "sync/sync_session.hpp"

#include <algorithm>

namespace pairspace::sync {
namespace {

constexpr std::array<OpAuthor, 2> both_authors{OpAuthor::self, OpAuthor::partner};

std::size_t index_of(OpAuthor author) { return author == OpAuthor::self ? 0 : 1; }

Error protocol_error(const std::string& what) {
  return make_error(v1::CODE_REFUSED, "The partner's device broke the sync protocol (" + what +
                                          "); the connection was closed and will be retried.");
}

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

bool SyncSession::handles(const v1::Frame& frame) {
  return frame.has_sync_hello() || frame.has_op_batch() || frame.has_batch_ack();
}

v1::Frame SyncSession::hello() {
  v1::Frame frame;
  for (auto& head : m_log.heads()) *frame.mutable_sync_hello()->add_heads() = std::move(head);
  return frame;
}

Status SyncSession::take_heads(const google::protobuf::RepeatedPtrField<v1::AuthorHead>& heads,
                               bool from_hello) {
  std::array<bool, 2> named{};
  for (const auto& head : heads) {
    const auto author = m_log.author_of(bytes_of(head.author()));
    if (!author) return protocol_error("a head for a device that is not part of this pairing");
    const auto i = index_of(*author);
    if (named[i]) return protocol_error("two heads for one device");
    named[i] = true;
    m_sent[i] = std::max(m_sent[i], head.seq());
    m_partner_says[i] = from_hello ? head.seq() : std::max(m_partner_says[i], head.seq());
  }
  return ok_status();
}

Result<std::vector<v1::Frame>> SyncSession::on_frame(const v1::Frame& frame) {
  if (frame.has_sync_hello()) {
    if (m_hello_received) return protocol_error("a second hello");
    if (auto st = take_heads(frame.sync_hello().heads(), true); !st) return st.error();
    m_hello_received = true;
    return pump();
  }
  if (frame.has_op_batch()) {
    if (!m_hello_received) return protocol_error("changes before its hello");
    const auto& ops = frame.op_batch().ops();
    if (static_cast<std::size_t>(ops.size()) > max_batch_ops) return protocol_error("an oversized batch");
    const std::vector<std::string> batch(ops.begin(), ops.end());
    auto outcome = m_log.apply_remote_batch(batch);
    if (!outcome) return outcome.error();
    // The partner holds what it sent us: never echo it back.
    const std::array<std::uint64_t, 2> seen{outcome->seen.self, outcome->seen.partner};
    for (std::size_t i = 0; i < seen.size(); ++i) {
      m_sent[i] = std::max(m_sent[i], seen[i]);
      m_partner_says[i] = std::max(m_partner_says[i], seen[i]);
    }
    v1::Frame ack;
    for (auto& head : m_log.heads()) *ack.mutable_batch_ack()->add_heads() = std::move(head);
    std::vector<v1::Frame> out;
    out.push_back(std::move(ack));
    return out;
  }
  if (frame.has_batch_ack()) {
    if (m_in_flight == 0) return protocol_error("an acknowledgement of nothing");
    if (auto st = take_heads(frame.batch_ack().heads(), false); !st) return st.error();
    --m_in_flight;
    return pump();
  }
  return protocol_error("a frame that is not part of sync");
}

std::vector<v1::Frame> SyncSession::on_local_op() {
  if (!m_hello_received) return {};
  return pump();
}

std::vector<v1::Frame> SyncSession::pump() {
  std::vector<v1::Frame> out;
  while (m_in_flight < max_batches_in_flight) {
    v1::Frame frame;
    auto* batch = frame.mutable_op_batch();
    std::size_t bytes = 0;
    for (const auto author : both_authors) {
      const auto i = index_of(author);
      const auto room = max_batch_ops - static_cast<std::size_t>(batch->ops_size());
      if (room == 0 || bytes >= max_batch_bytes) break;
      auto ops = m_log.ops_after(author, m_sent[i], room, max_batch_bytes - bytes);
      // ops_after always returns its first op; in a batch that is not empty it must fit.
      if (ops.empty() || (batch->ops_size() > 0 && bytes + ops.front().size() > max_batch_bytes)) {
        continue;
      }
      m_sent[i] += ops.size();
      for (auto& op : ops) {
        bytes += op.size();
        batch->add_ops(std::move(op));
      }
    }
    if (batch->ops_size() == 0) break;
    ++m_in_flight;
    out.push_back(std::move(frame));
  }
  return out;
}

bool SyncSession::partner_caught_up() const {
  if (!m_hello_received || m_in_flight != 0) return false;
  return std::all_of(both_authors.begin(), both_authors.end(), [this](OpAuthor a) {
    return m_partner_says[index_of(a)] >= m_log.head(a);
  });
}

bool SyncSession::caught_up_with_partner() const {
  if (!m_hello_received) return false;
  return std::all_of(both_authors.begin(), both_authors.end(), [this](OpAuthor a) {
    return m_log.head(a) >= m_partner_says[index_of(a)];
  });
}

}  // namespace pairspace::sync
