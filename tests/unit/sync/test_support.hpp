#pragma once
// Helpers for sync tests: paired in-memory devices, op bodies, keys and byte tweaks.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "crypto/identity_keys.hpp"
#include "store/store.hpp"
#include "sync/op_log.hpp"

namespace pairspace::sync::testing {

inline const store::TimePoint test_now =
    store::TimePoint(std::chrono::milliseconds(1'780'000'000'000));

inline std::unique_ptr<store::Store> memory_store(const std::string& name) {
  auto s = store::Store::open_in_memory(name, test_now);
  EXPECT_TRUE(s.ok());
  return std::move(*s);
}

inline store::Partner partner_from(const store::Identity& id) {
  store::Partner p;
  p.name = id.name;
  p.sign_public = id.sign_public;
  p.dh_public = id.dh_public;
  p.safety_number = "12345 67890";
  p.paired_at = test_now;
  return p;
}

// Two devices paired with each other, each with its op log.
struct Devices {
  std::unique_ptr<store::Store> a_store;
  std::unique_ptr<store::Store> b_store;
  std::unique_ptr<OpLog> a;
  std::unique_ptr<OpLog> b;
};

inline Devices paired_devices() {
  Devices d;
  d.a_store = memory_store("alice");
  d.b_store = memory_store("bob");
  auto a_id = d.a_store->identity();
  auto b_id = d.b_store->identity();
  EXPECT_TRUE(d.a_store->set_partner(partner_from(*b_id)).ok());
  EXPECT_TRUE(d.b_store->set_partner(partner_from(*a_id)).ok());
  auto a = OpLog::open(*d.a_store);
  auto b = OpLog::open(*d.b_store);
  EXPECT_TRUE(a.ok() && b.ok());
  d.a = std::move(*a);
  d.b = std::move(*b);
  return d;
}

// Keys for a log whose two authors are given identities (not necessarily the store's own).
inline OpLogKeys keys_for(const store::Identity& self, const store::Identity& partner) {
  OpLogKeys k;
  k.self = self.sign_public;
  k.self_sign_secret = crypto::SecureBytes(self.sign_secret.span());
  k.partner = partner.sign_public;
  return k;
}

inline v1::Op status_op(v1::SpaceState state, std::string note = "recharging, love you",
                        std::int64_t until_ms = 0) {
  v1::Op op;
  op.mutable_set_status()->set_state(state);
  if (state == v1::SPACE_STATE_NEED_SPACE) op.mutable_set_status()->set_kind(v1::SPACE_KIND_ALONE);
  op.mutable_set_status()->set_note(std::move(note));
  op.mutable_set_status()->set_until_ms(until_ms);
  return op;
}

inline v1::Op ack_op(std::uint64_t status_seq, std::string note = "got it, take your time") {
  v1::Op op;
  op.mutable_acknowledge()->set_status_seq(status_seq);
  op.mutable_acknowledge()->set_note(std::move(note));
  return op;
}

inline v1::Op propose_op(std::string text = "daily 21:00", std::string amends = {}) {
  v1::Op op;
  auto* p = op.mutable_propose();
  p->set_kind(v1::AGREEMENT_KIND_CHECKIN);
  p->set_text(std::move(text));
  p->set_tz("Europe/Berlin");
  p->set_amends(std::move(amends));
  return op;
}

inline v1::Op respond_op(const std::string& agreement, bool accept, std::string note = {}) {
  v1::Op op;
  op.mutable_respond()->set_agreement(agreement);
  op.mutable_respond()->set_accept(accept);
  op.mutable_respond()->set_note(std::move(note));
  return op;
}

inline v1::Op revoke_op(const std::string& agreement) {
  v1::Op op;
  op.mutable_revoke()->set_agreement(agreement);
  return op;
}

inline v1::Op check_in_op(std::uint32_t mood, std::string note = "I'm okay") {
  v1::Op op;
  op.mutable_check_in()->set_mood(mood);
  op.mutable_check_in()->set_note(std::move(note));
  return op;
}

// Every op of `from` after the given seqs, as one batch (self's ops, then partner's).
inline std::vector<std::string> all_ops(const OpLog& from) {
  auto ops = from.ops_after(OpAuthor::self, 0, SIZE_MAX, SIZE_MAX);
  auto theirs = from.ops_after(OpAuthor::partner, 0, SIZE_MAX, SIZE_MAX);
  ops.insert(ops.end(), theirs.begin(), theirs.end());
  return ops;
}

inline std::string hex(const Hash& h) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (auto b : h) {
    out += digits[b >> 4];
    out += digits[b & 0x0Fu];
  }
  return out;
}

}  // namespace pairspace::sync::testing
