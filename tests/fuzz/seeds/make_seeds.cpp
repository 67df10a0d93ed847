// Writes the seed corpora committed in tests/fuzz/corpus/<target>/: a few valid inputs per
// target in the input format its header comment describes. Deterministic (the same
// randomness as the targets), so re-running it rewrites the same files.
//   build-fuzz/bin/fuzz_make_seeds tests/fuzz/corpus
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "fuzz_support.hpp"
#include "sign_raw.hpp"
#include "pairspace.pb.h"
#include "peer/frame_codec.hpp"
#include "peer/pairing_inviter.hpp"
#include "peer/pairing_joiner.hpp"
#include "peer/session.hpp"
#include "peer/wire.hpp"
#include "sync/op_codec.hpp"

namespace pairspace::fuzz {
namespace {

namespace fs = std::filesystem;

fs::path g_out;
int g_written = 0;

void write(const std::string& target, const std::string& name, const Bytes& bytes) {
  const fs::path dir = g_out / target;
  fs::create_directories(dir);
  std::string file_name = "seed-" + name;
  for (char& c : file_name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.';
    if (!plain) c = '_';
  }
  std::ofstream file(dir / file_name, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!file) {
    std::cerr << "could not write " << (dir / name) << "\n";
    std::exit(1);
  }
  ++g_written;
}
void write(const std::string& target, const std::string& name, const InputWriter& w) {
  write(target, name, w.bytes());
}

Bytes framed(ByteView body) { return peer::encode_frame(body).value(); }
Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

// One op body of each kind (no envelope).
std::map<std::string, v1::Op> op_bodies() {
  std::map<std::string, v1::Op> out;
  v1::Op need;
  need.mutable_set_status()->set_state(v1::SPACE_STATE_NEED_SPACE);
  need.mutable_set_status()->set_kind(v1::SPACE_KIND_QUIET);
  need.mutable_set_status()->set_note("a quiet evening, love you");
  need.mutable_set_status()->set_until_ms(1'780'000'600'000);
  out["need-space"] = need;
  v1::Op back;
  back.mutable_set_status()->set_state(v1::SPACE_STATE_BACK);
  out["back"] = back;
  v1::Op ack;
  ack.mutable_acknowledge()->set_status_seq(1);
  ack.mutable_acknowledge()->set_note("take your time");
  out["ack"] = ack;
  v1::Op propose;
  propose.mutable_propose()->set_kind(v1::AGREEMENT_KIND_CHECKIN);
  propose.mutable_propose()->set_text("daily 21:00");
  propose.mutable_propose()->set_tz("Europe/Berlin");
  out["propose-checkin"] = propose;
  v1::Op ritual;
  ritual.mutable_propose()->set_kind(v1::AGREEMENT_KIND_RITUAL);
  ritual.mutable_propose()->set_text("Sunday walk");
  ritual.mutable_propose()->set_amends(std::string(32, 'h'));
  out["propose-ritual"] = ritual;
  v1::Op respond;
  respond.mutable_respond()->set_agreement(std::string(32, 'h'));
  respond.mutable_respond()->set_accept(true);
  out["respond"] = respond;
  v1::Op revoke;
  revoke.mutable_revoke()->set_agreement(std::string(32, 'h'));
  out["revoke"] = revoke;
  v1::Op checkin;
  checkin.mutable_check_in()->set_mood(4);
  checkin.mutable_check_in()->set_note("good day");
  out["check-in"] = checkin;
  return out;
}

v1::Op with_envelope(v1::Op op, const TestKeys& author, std::uint64_t seq, std::uint64_t lamport) {
  op.set_author(as_string(author.sign_public));
  op.set_seq(seq);
  op.set_lamport(lamport);
  op.set_wall_time_ms(1'780'000'000'000);
  op.set_prev_hash(seq == 1 ? std::string() : std::string(32, 'p'));  // the size verify_op checks
  return op;
}

// ---------------------------------------------------------------- per target

void frame_seeds() {
  v1::Frame keepalive;
  keepalive.mutable_keepalive();
  v1::Frame proof;
  proof.mutable_pair_proof()->set_name("Sam");
  proof.mutable_pair_proof()->set_sign_public(std::string(32, 's'));
  proof.mutable_pair_proof()->set_signature(std::string(64, 'g'));
  proof.mutable_pair_proof()->set_listen_port(47474);
  v1::Frame hello;
  auto* head = hello.mutable_sync_hello()->add_heads();
  head->set_author(std::string(32, 'a'));
  head->set_seq(3);
  v1::Frame batch;
  batch.mutable_op_batch()->add_ops(
      sign_raw(with_envelope(op_bodies()["check-in"], test_keys(2), 1, 1), test_keys(2)));

  peer::PairStart start;
  start.sid.fill(0x11);
  start.ya.fill(0x22);
  peer::CpaceShare yb{};
  yb.fill(0x33);
  Bytes session_init(peer::session_init_bytes, 0x44);
  session_init[0] = 0x10;

  InputWriter pairing;
  pairing.u8(7).raw(framed(peer::encode_pair_start(start))).raw(framed(peer::encode_pair_reply(yb)));
  write("frame", "pairing-messages", pairing);
  write("frame", "refused-one-byte-at-a-time",
        InputWriter().u8(0).raw(framed(peer::encode_pair_refused(peer::RefusalReason::busy))));
  write("frame", "session-init", InputWriter().u8(3).raw(framed(session_init)));
  InputWriter frames;
  frames.u8(5);
  for (const v1::Frame* f : {&keepalive, &proof, &hello, &batch}) frames.raw(framed(bytes_of(f->SerializeAsString())));
  write("frame", "sync-and-pair-frames", frames);
  write("frame", "zero-length-refused", InputWriter().u8(1).raw(framed(Bytes{1})).u16(0).u8(9));
}

void handshake_seeds() {
  // Session (mode even): timestamp, last-accepted selector, pin twist, edits (0 = pass).
  write("handshake", "session-honest", InputWriter().u8(0).u64(1'780'000'000'000).u8(0).u8(0).u8(0).u8(0));
  write("handshake", "session-replay",
        InputWriter().u8(0).u64(1000).u8(1).u64(1000).u8(0).u8(0).u8(0));
  write("handshake", "session-flipped-init",
        InputWriter().u8(0).u64(5).u8(0).u8(0).u8(2).u16(40).u8(0x10).u8(0));
  // Generic patterns (mode odd): protocol index, twist, then payload length + edit per message.
  for (std::uint8_t p = 0; p < 12; ++p) {
    InputWriter w;
    w.u8(1).u8(p).u8(0);
    for (int message = 0; message < 3; ++message) w.u8(4).raw("ping").u8(0);
    write("handshake", "pattern-" + std::to_string(p), w);
  }
  write("handshake", "pattern-xxpsk3-other-psk", InputWriter().u8(1).u8(0).u8(1));
}

struct Transcript {
  std::vector<Bytes> from_joiner;
  std::vector<Bytes> from_inviter;
};

// An honest pairing, each device on its own randomness stream (as pairing_fuzz runs them).
Transcript record_pairing() {
  const TestKeys alex = test_keys(1);
  const TestKeys sam = test_keys(2);
  const peer::LocalDevice joiner_device{"Alex", alex.sign_public, alex.sign_secret,
                                        alex.dh_public, alex.dh_secret, 4001};
  const peer::LocalDevice inviter_device{"Sam", sam.sign_public, sam.sign_secret,
                                         sam.dh_public, sam.dh_secret, 4002};
  reset_random();
  Transcript t;
  use_random_stream(1);
  auto joiner = peer::PairingJoiner::start(joiner_device, "7-amber-lantern-sparrow").value();
  std::vector<Bytes> to_inviter = joiner.take_outgoing();
  t.from_joiner = to_inviter;
  use_random_stream(2);
  auto inviter = peer::PairingInviter::accept(inviter_device, "7-amber-lantern-sparrow",
                                              to_inviter[0]).value();
  std::vector<Bytes> to_joiner = inviter.take_outgoing();
  while (!to_joiner.empty()) {
    t.from_inviter.insert(t.from_inviter.end(), to_joiner.begin(), to_joiner.end());
    to_inviter.clear();
    for (const Bytes& m : to_joiner) {
      use_random_stream(1);
      if (!joiner.receive(m)) std::abort();
      for (Bytes& out : joiner.take_outgoing()) to_inviter.push_back(std::move(out));
    }
    t.from_joiner.insert(t.from_joiner.end(), to_inviter.begin(), to_inviter.end());
    to_joiner.clear();
    for (const Bytes& m : to_inviter) {
      use_random_stream(2);
      if (!inviter.receive(m)) std::abort();
      for (Bytes& out : inviter.take_outgoing()) to_joiner.push_back(std::move(out));
    }
  }
  if (!joiner.result() || !inviter.result()) std::abort();
  return t;
}

// The recorded messages replay against one device alone (pairing_fuzz modes 1 and 2).
void check_replays(const Transcript& t) {
  const TestKeys alex = test_keys(1);
  const TestKeys sam = test_keys(2);
  reset_random();
  use_random_stream(2);
  auto inviter = peer::PairingInviter::accept(
      {"Sam", sam.sign_public, sam.sign_secret, sam.dh_public, sam.dh_secret, 4002},
      "7-amber-lantern-sparrow", t.from_joiner[0]);
  if (!inviter) std::abort();
  for (std::size_t i = 1; i < t.from_joiner.size(); ++i) {
    if (!inviter->receive(t.from_joiner[i])) std::abort();
  }
  reset_random();
  use_random_stream(1);
  auto joiner = peer::PairingJoiner::start(
      {"Alex", alex.sign_public, alex.sign_secret, alex.dh_public, alex.dh_secret, 4001},
      "7-amber-lantern-sparrow");
  if (!joiner) std::abort();
  for (const Bytes& m : t.from_inviter) {
    if (!joiner->receive(m)) std::abort();
  }
  if (!inviter->is_done() || !joiner->is_done()) {
    std::cerr << "a recorded pairing no longer replays against one side\n";
    std::exit(1);
  }
}

void pairing_seeds() {
  write("pairing", "mitm-honest", InputWriter().u8(0).u8(0));
  write("pairing", "mitm-wrong-code", InputWriter().u8(0).u8(1));
  write("pairing", "mitm-flipped-msg1", InputWriter().u8(0).u8(0).u8(0).u8(0).u8(2).u8(0x40).u16(5));
  const Transcript t = record_pairing();
  check_replays(t);
  InputWriter inviter_side;
  inviter_side.u8(1);
  for (const Bytes& m : t.from_joiner) inviter_side.chunk(m);
  write("pairing", "inviter-replays-joiner", inviter_side);
  InputWriter joiner_side;
  joiner_side.u8(2);
  for (const Bytes& m : t.from_inviter) joiner_side.chunk(m);
  write("pairing", "joiner-replays-inviter", joiner_side);
}

void cpace_seeds() {
  Bytes sid(16, 0x5c);
  Bytes share(32, 0);
  crypto_core_ristretto255_random(share.data());
  peer::PairStart start;
  start.sid.fill(0x5c);
  std::copy(share.begin(), share.end(), start.ya.begin());
  for (std::uint8_t role = 0; role < 3; ++role) {
    InputWriter w;
    w.u8(role).chunk("7-amber-lantern-sparrow").chunk("pairspace/v1/pair").chunk(sid)
        .chunk("joiner").chunk("inviter").raw(share).u8(1).raw(peer::encode_pair_start(start));
    write("cpace", "role-" + std::to_string(role), w);
  }
  write("cpace", "identity-share", InputWriter().u8(0).chunk("1-a-b-c").chunk("").chunk("").chunk("")
                                       .chunk("").raw(Bytes(32, 0)).u8(0));
}

void op_seeds() {
  const TestKeys alex = test_keys(1);
  const TestKeys sam = test_keys(2);
  std::uint64_t seq = 0;
  for (const auto& [name, body] : op_bodies()) {
    ++seq;
    const v1::Op op = with_envelope(body, seq % 2 == 0 ? alex : sam, seq, seq);
    write("op", "raw-" + name, InputWriter().u8(0).raw(sign_raw(op, seq % 2 == 0 ? alex : sam)));
    write("op", "signed-" + name,
          InputWriter().u8(1).u8(static_cast<std::uint8_t>(seq % 2)).u16(static_cast<std::uint16_t>(seq * 13)).u8(0)
              .raw(with_envelope(body, alex, seq, seq).SerializeAsString()));
  }
  // A partner's op from past the clock's range (refused since the fix; see
  // tests/unit/sync/op_codec_fuzz_regression_test.cpp).
  v1::Op far = with_envelope(op_bodies()["propose-checkin"], sam, 1, 1);
  far.set_wall_time_ms(9'223'372'036'854'776);
  write("op", "raw-wall-time-past-2262", InputWriter().u8(0).raw(sign_raw(far, sam)));
}

void oplog_seeds() {
  const auto bodies = op_bodies();
  // Local ops of each kind, then the partner's answer and a replay.
  InputWriter local;
  for (const auto& [name, body] : bodies) local.u8(0).chunk(body.SerializeAsString());
  write("oplog", "local-ops", local);
  InputWriter partner;
  partner.u8(1).u8(3);
  for (const char* name : {"need-space", "propose-checkin", "check-in", "back"}) {
    partner.u8(1).u8(0).chunk(bodies.at(name).SerializeAsString());
  }
  partner.u8(3).u8(0).chunk(bodies.at("ack").SerializeAsString());
  write("oplog", "partner-ops-then-replay", partner);
  InputWriter session;
  session.u8(0).chunk(bodies.at("need-space").SerializeAsString());
  session.u8(6).u8(2).u8(0).u8(0).u8(0).u8(1).u8(0).u8(0);  // hello: Alex and Sam at seq 0
  session.u8(5).u8(1).u8(1).u8(0).chunk(bodies.at("ack").SerializeAsString()).u8(1).u8(2)
      .chunk(bodies.at("check-in").SerializeAsString());
  v1::Frame ack;
  ack.mutable_batch_ack();
  session.u8(4).chunk(ack.SerializeAsString());
  write("oplog", "sync-session", session);
  const std::string raw = sign_raw(with_envelope(bodies.at("back"), test_keys(2), 1, 1), test_keys(2));
  write("oplog", "raw-batch", InputWriter().u8(2).u8(0).chunk(raw).u8(3));
}

Bytes request_bytes(const v1::Request& r) { return bytes_of(r.SerializeAsString()); }

std::map<std::string, v1::Request> requests() {
  std::map<std::string, v1::Request> out;
  out["status"].mutable_status();
  out["journal-add"].mutable_journal_add()->set_text("walked by the river");
  out["journal-list"].mutable_journal_list()->set_grep("RIVER");
  out["journal-list"].mutable_journal_list()->mutable_since()->set_seconds(1'700'000'000);
  out["journal-show"].mutable_journal_show()->set_id(1);
  out["journal-delete"].mutable_journal_delete()->set_id(1);
  out["unlock"].mutable_unlock()->set_passphrase("correct horse");
  out["pair-invite"].mutable_pair_invite()->set_expires_seconds(600);
  out["peer-show"].mutable_peer_show();
  out["space-need"].mutable_space_need()->set_kind(v1::SPACE_KIND_ALONE);
  out["space-need"].mutable_space_need()->set_note("recharging");
  out["space-need"].mutable_space_need()->mutable_until()->set_seconds(4'000'000'000);
  out["space-end"].mutable_space_end()->set_note("back, thank you");
  out["space-ack"].mutable_space_ack()->set_note("take your time");
  out["check-in"].mutable_check_in()->set_mood(4);
  out["check-in-next"].mutable_check_in_next()->set_count(3);
  auto* propose = out["agree-propose"].mutable_agree_propose();
  propose->set_kind(v1::AGREEMENT_KIND_CHECKIN);
  propose->set_text("mon,wed,fri 08:30");
  propose->set_tz("America/New_York");
  out["agree-list"].mutable_agree_list()->set_all(true);
  out["calendar"].mutable_calendar();
  out["history"].mutable_history()->set_limit(5);
  out["watch"].mutable_watch();
  out["stop"].mutable_stop();
  return out;
}

void control_seeds() {
  for (const auto& [name, request] : requests()) {
    const Bytes payload = request_bytes(request);
    InputWriter w;
    w.u32(static_cast<std::uint32_t>(payload.size())).raw(payload);
    write("control", name, w);
  }
  v1::Response response;
  response.set_code(v1::CODE_NOT_READY);
  response.set_message("This device is locked.");
  const std::string r = response.SerializeAsString();
  write("control", "response-and-oversize",
        InputWriter().u32(static_cast<std::uint32_t>(r.size())).raw(r).u32(0x00200000));
  write("control", "truncated", InputWriter().u32(100).raw("abc"));
}

void daemon_seeds() {
  const auto all = requests();
  const auto bodies = op_bodies();
  for (const auto& [name, request] : all) {
    write("daemon", "request-" + name, InputWriter().u8(0).chunk(request_bytes(request)));
  }
  // The partner asks for space and proposes a check-in; this device acknowledges and
  // answers, then lists, exports and reads the history; finally the partner unpairs.
  InputWriter story;
  story.u8(1).u8(1).u8(1).chunk(bodies.at("need-space").SerializeAsString()).u8(1)
      .chunk(bodies.at("propose-checkin").SerializeAsString());
  // The proposal's id, as the harness envelopes it: seq 2, lamport 2 + 1 + 1%3 = 4, linked
  // to the need-space op (seq 1, lamport 0 + 1 + 1%3 = 2).
  v1::Op need = bodies.at("need-space");
  need.set_author(as_string(test_keys(2).sign_public));
  need.set_seq(1);
  need.set_lamport(2);
  need.set_wall_time_ms(1'780'000'000'000);
  need.set_prev_hash("");
  v1::Op proposal = bodies.at("propose-checkin");
  proposal.set_author(as_string(test_keys(2).sign_public));
  proposal.set_seq(2);
  proposal.set_lamport(4);
  proposal.set_wall_time_ms(1'780'000'000'000);
  proposal.set_prev_hash(sync::to_bytes(sync::content_hash(need.SerializeAsString())));
  const std::string id = sync::short_id(sync::content_hash(proposal.SerializeAsString()));
  v1::Request respond;
  respond.mutable_agree_respond()->set_id(id);
  respond.mutable_agree_respond()->set_accept(true);
  v1::Request revoke;
  revoke.mutable_agree_revoke()->set_id(id);
  for (const char* name : {"space-ack", "status", "agree-list", "calendar", "check-in-next"}) {
    story.u8(0).chunk(request_bytes(all.at(name)));
  }
  story.u8(0).chunk(request_bytes(respond)).u8(0).chunk(request_bytes(all.at("history")));
  story.u8(0).chunk(request_bytes(revoke));
  v1::Frame unpair;
  unpair.mutable_unpair()->set_signature("sign");
  story.u8(2).chunk(unpair.SerializeAsString()).u8(0).chunk(request_bytes(all.at("status")));
  write("daemon", "partner-story", story);
  for (const char* address : {"127.0.0.1:47474", "[::1]:1", "localhost:80", ":0", "0.0.0.0:5"}) {
    write("daemon", std::string("address-") + address, InputWriter().u8(3).chunk(address));
  }
}

void time_seeds() {
  const char* texts[] = {"90s", "1h30m", "3d", "20:00", "23:59:59", "2026-12-01",
                         "2026-12-01T20:00", "2026-12-01 20:00", "2026-12-01T20:00:00+01:00",
                         "2026-12-01T19:00:00Z", "2026-03-29T02:30", "2026-11-01T01:30:00.250-04:00"};
  std::uint8_t zone = 0;
  for (const char* text : texts) {
    const auto direction = static_cast<std::uint8_t>(zone % 2);
    write("time", text, InputWriter().u8(zone).u8(direction).u32(200'000'000).raw(text));
    ++zone;
  }
}

void schedule_seeds() {
  struct Case {
    const char* spec;
    std::uint8_t flags;
  };
  const Case cases[] = {{"daily 21:00", 2}, {"mon,wed,fri 08:30", 2}, {"weekdays 07:15", 3},
                        {"weekends 10:00", 2}, {"end-of-space", 0}, {"Sat,SUN  9:05", 2},
                        {"daily 02:30", 2}};
  std::uint8_t zone = 1;
  for (const Case& c : cases) {
    InputWriter w;
    w.u8(zone).u8(static_cast<std::uint8_t>(zone + 3)).u8(c.flags).u8(7).u32(180'000'000)
        .u64(3'560'000'000'000).chunk(c.spec).chunk("").chunk("after dinner; phones away")
        .chunk("ABCDEF").chunk("Sam");
    write("schedule", c.spec, w);
    ++zone;
  }
}

void invite_seeds() {
  const char* codes[] = {"7-amber-lantern-sparrow", " 12 Amber LANTERN  sparrow\n",
                         "99-amber-lantern-sparrow", "0-amber-lantern-sparrow", "7-amber-lantern"};
  for (const char* code : codes) write("invite", code, InputWriter().u8(6).u16(1).u16(2).u16(3).raw(code));
}

}  // namespace
}  // namespace pairspace::fuzz

int main(int argc, char** argv) {
  using namespace pairspace::fuzz;
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_seeds OUT_DIR   (writes OUT_DIR/<target>/seed-*)\n";
    return 2;
  }
  fuzz_init();
  g_out = argv[1];
  frame_seeds();
  handshake_seeds();
  pairing_seeds();
  cpace_seeds();
  op_seeds();
  oplog_seeds();
  control_seeds();
  daemon_seeds();
  time_seeds();
  schedule_seeds();
  invite_seeds();
  std::cout << "wrote " << g_written << " seed files under " << g_out << "\n";
  return 0;
}
