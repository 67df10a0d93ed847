#include "sync/fold.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <vector>

namespace pairspace::sync {
namespace {

bool open_state(v1::AgreementState s) {
  return s == v1::AGREEMENT_STATE_PROPOSED || s == v1::AGREEMENT_STATE_ACTIVE;
}

template <class Entry>
bool entry_before(const Entry& a, const Entry& b, const std::string& a_author,
                  const std::string& b_author) {
  if (a.lamport() != b.lamport()) return a.lamport() < b.lamport();
  if (const int c = a_author.compare(b_author); c != 0) return c < 0;
  return a.seq() < b.seq();
}

}  // namespace

void Fold::apply(const VerifiedOp& verified) {
  const auto& op = verified.op;
  auto& head = m_heads[op.author()];
  head = std::max(head, op.seq());
  m_max_lamport = std::max(m_max_lamport, op.lamport());
  switch (op.body_case()) {
    case v1::Op::kSetStatus: set_status(op); break;
    case v1::Op::kAcknowledge: acknowledge(op); break;
    case v1::Op::kPropose: propose(op, verified.hash); break;
    case v1::Op::kRespond: respond(op); break;
    case v1::Op::kRevoke: revoke(op); break;
    case v1::Op::kCheckIn: check_in(op); break;
    case v1::Op::BODY_NOT_SET: break;  // a kind this version does not know: kept, not folded
  }
}

// Only the author changes its own status: the entry is keyed by the op's signed author.
void Fold::set_status(const v1::Op& op) {
  const auto& b = op.set_status();
  v1::StatusEntry entry;
  entry.set_author(op.author());
  entry.set_seq(op.seq());
  entry.set_lamport(op.lamport());
  entry.set_set_at_ms(op.wall_time_ms());
  entry.set_state(b.state());
  entry.set_kind(b.kind());
  entry.set_note(b.note());
  entry.set_until_ms(b.until_ms());
  m_statuses[op.author()] = std::move(entry);  // a new status is not acknowledged yet
}

// Applies only to the other author's status op it names, and only while that status is
// in effect (an acknowledgement of an older status says nothing about the newer one).
void Fold::acknowledge(const v1::Op& op) {
  for (auto& [author, status] : m_statuses) {
    if (author == op.author() || status.seq() != op.acknowledge().status_seq()) continue;
    status.set_acknowledged(true);
    status.set_ack_seq(op.seq());
    status.set_ack_at_ms(op.wall_time_ms());
    status.set_ack_note(op.acknowledge().note());
  }
}

void Fold::propose(const v1::Op& op, const Hash& hash) {
  const auto& b = op.propose();
  v1::AgreementEntry entry;
  entry.set_id(short_id(hash));
  entry.set_content_hash(to_bytes(hash));
  entry.set_proposer(op.author());
  entry.set_seq(op.seq());
  entry.set_lamport(op.lamport());
  entry.set_proposed_at_ms(op.wall_time_ms());
  entry.set_kind(b.kind());
  entry.set_text(b.text());
  entry.set_tz(b.tz());
  entry.set_floating(b.floating());
  entry.set_note(b.note());
  entry.set_amends(b.amends());
  entry.set_state(v1::AGREEMENT_STATE_PROPOSED);
  // The content hash names exactly one op, and each op is applied once.
  m_agreements.emplace(entry.content_hash(), std::move(entry));
}

// Counts only from the partner of the proposer, only for that exact version, only while
// it is proposed. Accepting an amendment supersedes the agreement it amends.
void Fold::respond(const v1::Op& op) {
  const auto& b = op.respond();
  auto it = m_agreements.find(b.agreement());
  if (it == m_agreements.end()) return;
  auto& agreement = it->second;
  if (agreement.proposer() == op.author() ||
      agreement.state() != v1::AGREEMENT_STATE_PROPOSED) {
    return;
  }
  agreement.set_response_note(b.note());
  if (!b.accept()) {
    agreement.set_state(v1::AGREEMENT_STATE_DECLINED);
    agreement.set_closed_at_ms(op.wall_time_ms());
    agreement.set_closed_by(op.author());
    return;
  }
  agreement.set_state(v1::AGREEMENT_STATE_ACTIVE);
  agreement.set_accepted_at_ms(op.wall_time_ms());
  if (agreement.amends().empty()) return;
  auto old = m_agreements.find(agreement.amends());
  if (old == m_agreements.end() || old == it || !open_state(old->second.state())) return;
  old->second.set_state(v1::AGREEMENT_STATE_SUPERSEDED);
  old->second.set_closed_at_ms(op.wall_time_ms());
  old->second.set_closed_by(op.author());
  old->second.set_superseded_by(agreement.content_hash());
}

// Either partner may revoke a proposed or active agreement; revoked is final.
void Fold::revoke(const v1::Op& op) {
  auto it = m_agreements.find(op.revoke().agreement());
  if (it == m_agreements.end() || !open_state(it->second.state())) return;
  it->second.set_state(v1::AGREEMENT_STATE_REVOKED);
  it->second.set_closed_at_ms(op.wall_time_ms());
  it->second.set_closed_by(op.author());
  it->second.set_close_note(op.revoke().note());
}

void Fold::check_in(const v1::Op& op) {
  v1::CheckInEntry entry;
  entry.set_author(op.author());
  entry.set_seq(op.seq());
  entry.set_lamport(op.lamport());
  entry.set_at_ms(op.wall_time_ms());
  entry.set_mood(op.check_in().mood());
  entry.set_note(op.check_in().note());
  entry.set_agreement(op.check_in().agreement());
  auto& kept = m_check_ins[op.author()];
  kept.push_back(std::move(entry));
  if (kept.size() > check_ins_kept_per_author) kept.pop_front();
}

v1::SharedState Fold::state() const {
  v1::SharedState state;
  for (const auto& [author, seq] : m_heads) {  // std::map: by author bytes
    auto* head = state.add_heads();
    head->set_author(author);
    head->set_seq(seq);
  }
  state.set_max_lamport(m_max_lamport);
  for (const auto& [author, status] : m_statuses) *state.add_statuses() = status;

  std::vector<const v1::AgreementEntry*> agreements;
  agreements.reserve(m_agreements.size());
  for (const auto& [hash, agreement] : m_agreements) agreements.push_back(&agreement);
  std::sort(agreements.begin(), agreements.end(), [](const auto* a, const auto* b) {
    return entry_before(*a, *b, a->proposer(), b->proposer());
  });
  for (const auto* agreement : agreements) *state.add_agreements() = *agreement;

  std::vector<const v1::CheckInEntry*> check_ins;
  for (const auto& [author, kept] : m_check_ins) {
    for (const auto& entry : kept) check_ins.push_back(&entry);
  }
  std::sort(check_ins.begin(), check_ins.end(), [](const auto* a, const auto* b) {
    return entry_before(*a, *b, a->author(), b->author());
  });
  for (const auto* entry : check_ins) *state.add_check_ins() = *entry;
  return state;
}

Hash digest_of(const v1::SharedState& state) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    state.SerializeToCodedStream(&coded);
  }
  return content_hash(bytes);
}

}  // namespace pairspace::sync
