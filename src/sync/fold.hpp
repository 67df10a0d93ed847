#pragma once
// The deterministic fold of the op log into the shared state (docs/sync.md "Fold").
// Ops are applied in fold order (lamport, author bytes, seq); the same set of ops gives
// byte-identical state on every device, whatever order they arrived in.
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "pairspace.pb.h"
#include "sync/op_codec.hpp"

namespace pairspace::sync {

inline constexpr std::size_t check_ins_kept_per_author = 50;

class Fold {
 public:
  // Applies one op. The caller applies every op exactly once, in fold order.
  void apply(const VerifiedOp& op);
  // The canonical state (repeated fields in the order documented in pairspace.proto).
  v1::SharedState state() const;

 private:
  void set_status(const v1::Op& op);
  void acknowledge(const v1::Op& op);
  void propose(const v1::Op& op, const Hash& hash);
  void respond(const v1::Op& op);
  void revoke(const v1::Op& op);
  void check_in(const v1::Op& op);

  std::map<std::string, std::uint64_t> m_heads;            // author -> highest seq
  std::uint64_t m_max_lamport = 0;
  std::map<std::string, v1::StatusEntry> m_statuses;       // author -> status in effect
  std::map<std::string, v1::AgreementEntry> m_agreements;  // content hash -> agreement
  std::map<std::string, std::deque<v1::CheckInEntry>> m_check_ins;  // author -> newest
};

// BLAKE2b-256 of the state's deterministic protobuf encoding.
Hash digest_of(const v1::SharedState& state);

}  // namespace pairspace::sync
