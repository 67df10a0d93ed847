// engine_bench: the shared-state engine in one process, two threads, one real loopback TCP
// connection (TCP_NODELAY): op created on A -> event on B, through the real pieces — two
// on-disk stores (as the daemon keeps them; in-memory stores as a second row), OpLog and
// SyncSession on each side, the Noise KK session and its Transport. Beside it, in the same
// run: the loopback round trip and the crypto floor. Then reconnect: TCP connect + KK
// handshake (with the replay timestamps persisted, as the daemon does) + SyncHello each way.
//
//   engine_bench [--signals N] [--reconnects N] [--rtt N] [--pairings N]
//
// Prints Markdown tables. Opt-in (-DPAIRSPACE_BENCH=ON); scripts/bench.sh runs it.
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.hpp"
#include "crypto/identity_keys.hpp"
#include "crypto/secure.hpp"
#include "daemon/shared.hpp"
#include "peer/frame_codec.hpp"
#include "peer/invite_code.hpp"
#include "peer/pairing_inviter.hpp"
#include "peer/pairing_joiner.hpp"
#include "peer/session.hpp"
#include "peer/transport.hpp"
#include "store/store.hpp"
#include "sync/fold.hpp"
#include "sync/op_log.hpp"
#include "sync/sync_session.hpp"

// Counts libsodium's guarded allocations (SecureBytes): each is an mmap of 3+ pages, two
// mprotects, madvise and mlock, and as many calls again to free it.
namespace {
std::atomic<long> g_secure_allocs{0};
}  // namespace

extern "C" void* sodium_malloc(std::size_t size) {
  using Fn = void* (*)(std::size_t);
  static const Fn real = [] {
    void* sym = dlsym(RTLD_NEXT, "sodium_malloc");
    Fn fn = nullptr;
    std::memcpy(&fn, &sym, sizeof fn);
    return fn;
  }();
  g_secure_allocs.fetch_add(1, std::memory_order_relaxed);
  return real(size);
}

namespace {

using namespace pairspace;
using namespace pairspace::bench;
namespace fs = std::filesystem;
using SystemClock = std::chrono::system_clock;

constexpr int default_signals = 2000;
constexpr int default_reconnects = 300;
constexpr int default_rtt = 5000;
constexpr int default_pairings = 100;
constexpr int warmup_signals = 50;
constexpr int crypto_rounds = 2000;
constexpr int aead_rounds = 100'000;
constexpr std::size_t aead_bytes = 200;

[[noreturn]] void die(const std::string& what) {
  std::cerr << "engine_bench: " << what << "\n";
  std::exit(1);
}

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

void must(const Status& st, const char* what) {
  if (!st) die(std::string(what) + ": " + st.error().message);
}

// ---- devices

struct Device {
  std::unique_ptr<store::Store> store;
  store::Identity id;
  std::unique_ptr<sync::OpLog> log;
};

store::Partner partner_from(const store::Identity& id) {
  store::Partner p;
  p.name = id.name;
  p.sign_public = id.sign_public;
  p.dh_public = id.dh_public;
  p.safety_number = "00000 00000";
  p.paired_at = SystemClock::now();
  return p;
}

struct Pair {
  Device a, b;
};

// root: both homes under it (nullopt: in-memory stores); b_root: B's home there instead.
Pair make_pair(const std::optional<fs::path>& root, const std::optional<fs::path>& b_root = std::nullopt) {
  Pair pair;
  const auto now = SystemClock::now();
  if (root) {
    must(store::init_home(*root / "a", {"Alex", std::nullopt}, now), "init a");
    const fs::path b_home = (b_root ? *b_root : *root) / "b";
    must(store::init_home(b_home, {"Sam", std::nullopt}, now), "init b");
    pair.a.store = must(store::Store::open(store::HomePaths::of(*root / "a")), "open a");
    pair.b.store = must(store::Store::open(store::HomePaths::of(b_home)), "open b");
  } else {
    pair.a.store = must(store::Store::open_in_memory("Alex", now), "memory a");
    pair.b.store = must(store::Store::open_in_memory("Sam", now), "memory b");
  }
  pair.a.id = must(pair.a.store->identity(), "identity a");
  pair.b.id = must(pair.b.store->identity(), "identity b");
  must(pair.a.store->set_partner(partner_from(pair.b.id)), "partner a");
  must(pair.b.store->set_partner(partner_from(pair.a.id)), "partner b");
  pair.a.log = must(sync::OpLog::open(*pair.a.store), "log a");
  pair.b.log = must(sync::OpLog::open(*pair.b.store), "log b");
  return pair;
}

// ---- framed, encrypted I/O on a blocking socket

bool send_body(int fd, const peer::Bytes& body) {
  auto framed = peer::encode_frame(body);
  return framed && write_all(fd, framed->data(), framed->size());
}

std::optional<peer::Bytes> read_body(int fd) {
  std::uint8_t header[peer::frame_header_bytes];
  if (!read_exact(fd, header, sizeof header)) return std::nullopt;
  const std::size_t length = (std::size_t{header[0]} << 8) | std::size_t{header[1]};
  if (length == 0) return std::nullopt;
  peer::Bytes body(length);
  if (!read_exact(fd, body.data(), body.size())) return std::nullopt;
  return body;
}

bool send_frame(int fd, peer::Transport& t, const v1::Frame& frame) {
  auto body = t.encrypt(frame);
  return body && send_body(fd, *body);
}

// ---- the KK handshake + hellos, either side (as src/net/link_dialer.cpp / link_inbound.cpp)

struct Live {
  int fd = -1;
  std::optional<peer::Transport> transport;
  std::unique_ptr<sync::SyncSession> session;
};

struct DialTimes {
  double connect_us = 0, timestamp_us = 0, crypto_us = 0, reply_wait_us = 0, total_us = 0;
  bool hello_was_waiting = false;  // B's hello had arrived by the time A had finished
};

// Initiator: connect, persist the next timestamp, SESSION_INIT, reply, SyncHello out, the
// partner's SyncHello in and applied. total_us ends at the first synced frame.
Live dial(Device& d, std::uint16_t port, const store::Identity& partner, DialTimes& times) {
  Live live;
  const auto t0 = Clock::now();
  live.fd = dial_loopback(port);
  if (live.fd < 0) die("connect");
  const auto t1 = Clock::now();
  const auto ts = must(d.store->next_session_ts(static_cast<std::uint64_t>(
                           std::chrono::duration_cast<std::chrono::milliseconds>(
                               SystemClock::now().time_since_epoch()).count())),
                       "next_session_ts");
  const auto t2 = Clock::now();
  auto init = must(peer::SessionInitiator::start({d.id.dh_secret.span(), partner.dh_public}, ts),
                   "initiator");
  const auto t3 = Clock::now();
  if (!send_body(live.fd, init.init_body())) die("send init");
  auto reply = read_body(live.fd);
  if (!reply) die("no reply");
  const auto t4 = Clock::now();
  live.transport.emplace(must(init.finish(*reply), "finish"));
  live.session = std::make_unique<sync::SyncSession>(*d.log);
  if (!send_frame(live.fd, *live.transport, live.session->hello())) die("send hello");
  const auto t5 = Clock::now();
  std::uint8_t probe = 0;
  times.hello_was_waiting = ::recv(live.fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT) == 1;
  auto hello = read_body(live.fd);
  if (!hello) die("no hello");
  auto frame = must(live.transport->decrypt(*hello), "decrypt hello");
  auto out = must(live.session->on_frame(frame), "hello");
  for (const auto& f : out) send_frame(live.fd, *live.transport, f);
  const auto t6 = Clock::now();
  times.connect_us = to_us(t1 - t0);
  times.timestamp_us = to_us(t2 - t1);
  times.crypto_us = to_us(t3 - t2) + to_us(t5 - t4);
  times.reply_wait_us = to_us(t4 - t3);
  times.total_us = to_us(t6 - t0);
  return live;
}

// Responder: SESSION_INIT in, replay check + persist, reply, SyncHello out, hello in.
Live answer(Device& d, int listen_fd, const store::Identity& partner) {
  Live live;
  live.fd = accept_one(listen_fd);
  if (live.fd < 0) die("accept");
  auto init = read_body(live.fd);
  if (!init) die("no init");
  const auto last = must(d.store->last_accepted_session_ts(), "last ts");
  auto accepted = must(peer::SessionResponder::accept({d.id.dh_secret.span(), partner.dh_public}, *init, last),
                       "responder");
  must(d.store->set_last_accepted_session_ts(accepted.timestamp_ms), "set ts");
  if (!send_body(live.fd, accepted.reply)) die("send reply");
  live.transport.emplace(std::move(accepted.transport));
  live.session = std::make_unique<sync::SyncSession>(*d.log);
  if (!send_frame(live.fd, *live.transport, live.session->hello())) die("send hello");
  auto hello = read_body(live.fd);
  if (!hello) die("no hello from the initiator");
  auto frame = must(live.transport->decrypt(*hello), "decrypt hello");
  auto out = must(live.session->on_frame(frame), "hello");
  for (const auto& f : out) send_frame(live.fd, *live.transport, f);
  return live;
}

// ---- op created on A -> event on B

struct SignalTimes {  // steady-clock stamps of one signal
  Clock::time_point start, created, sealed, sent;         // A
  Clock::time_point received, opened, applied, event;     // B
};

struct SignalRun {
  std::vector<SignalTimes> times;
  Stats fsync;  // the disk floor measured right before this run (n = 0: no disk)
  double secure_allocs_per_signal = 0;  // both sides together
};

v1::Op space_op(int i) {
  v1::Op op;
  auto* s = op.mutable_set_status();
  const bool need = i % 2 == 0;
  s->set_state(need ? v1::SPACE_STATE_NEED_SPACE : v1::SPACE_STATE_BACK);
  if (need) s->set_kind(v1::SPACE_KIND_ALONE);
  s->set_note("a walk, back by dinner");
  return op;
}

// B's side of one connection: every frame decrypted and handed to its SyncSession as the
// daemon does (SharedSpace::on_frame: state before, apply, answer, state after, digests,
// the event for the partner's status).
void serve_signals(Device& b, Live& live, std::vector<SignalTimes>& times, int count) {
  const auto partner_key = b.log->key_of(sync::OpAuthor::partner);
  for (int i = 0; i < count; ++i) {
    auto body = read_body(live.fd);
    if (!body) die("B: connection ended early");
    SignalTimes& t = times[static_cast<std::size_t>(i)];
    t.received = Clock::now();
    auto frame = must(live.transport->decrypt(*body), "B decrypt");
    t.opened = Clock::now();
    const v1::SharedState before = b.log->state();
    auto out = must(live.session->on_frame(frame), "B on_frame");
    std::vector<peer::Bytes> bodies;
    for (const auto& f : out) bodies.push_back(must(live.transport->encrypt(f), "B encrypt"));
    t.applied = Clock::now();
    const v1::SharedState& after = b.log->state();
    if (sync::digest_of(after) != sync::digest_of(before)) {
      const auto* is = daemon::status_of(after, partner_key);
      if (is == nullptr) die("B: no status from A");
      v1::Event event;
      event.set_kind("partner_status");
      event.set_message("Alex asked for space");
      *event.mutable_partner_space() = daemon::space_view(*is, SystemClock::now());
      benchmark::DoNotOptimize(event);
    }
    t.event = Clock::now();
    for (const auto& bd : bodies) {
      if (!send_body(live.fd, bd)) die("B: send ack");
    }
  }
}

SignalRun run_signals(Pair& pair, int count) {
  std::uint16_t port = 0;
  const int lfd = listen_loopback(port);
  if (lfd < 0) die("listen");
  SignalRun run;
  run.times.resize(static_cast<std::size_t>(count + warmup_signals));
  std::thread b_thread([&] {
    Live live = answer(pair.b, lfd, pair.a.id);
    serve_signals(pair.b, live, run.times, count + warmup_signals);
    std::uint8_t byte = 0;
    while (::recv(live.fd, &byte, 1, 0) > 0) {
    }
    ::close(live.fd);
  });
  DialTimes dial_times;
  Live live = dial(pair.a, port, pair.b.id, dial_times);
  long allocs_before = 0;
  for (int i = 0; i < count + warmup_signals; ++i) {
    if (i == warmup_signals) allocs_before = g_secure_allocs.load();
    SignalTimes& t = run.times[static_cast<std::size_t>(i)];
    t.start = Clock::now();
    must(pair.a.log->create_local_op(space_op(i), SystemClock::now()), "create");
    t.created = Clock::now();
    auto frames = live.session->on_local_op();
    if (frames.size() != 1) die("A: expected one batch per op");
    auto body = must(live.transport->encrypt(frames.front()), "A encrypt");
    t.sealed = Clock::now();
    if (!send_body(live.fd, body)) die("A: send");
    t.sent = Clock::now();
    auto ack = read_body(live.fd);  // B's BatchAck: the window stays open
    if (!ack) die("A: no ack");
    auto frame = must(live.transport->decrypt(*ack), "A decrypt ack");
    must(live.session->on_frame(frame), "A ack");
  }
  run.secure_allocs_per_signal = static_cast<double>(g_secure_allocs.load() - allocs_before) / count;
  ::shutdown(live.fd, SHUT_WR);
  b_thread.join();
  ::close(live.fd);
  ::close(lfd);
  run.times.erase(run.times.begin(), run.times.begin() + warmup_signals);
  if (pair.a.log->digest() != pair.b.log->digest()) die("A and B disagree after the signals");
  return run;
}

// ---- reconnect

double g_secure_allocs_per_reconnect = 0;

std::vector<DialTimes> run_reconnects(Pair& pair, int count) {
  const long allocs_before = g_secure_allocs.load();
  std::uint16_t port = 0;
  const int lfd = listen_loopback(port);
  if (lfd < 0) die("listen");
  std::thread b_thread([&] {
    for (int i = 0; i < count; ++i) {
      Live live = answer(pair.b, lfd, pair.a.id);
      std::uint8_t byte = 0;
      while (::recv(live.fd, &byte, 1, 0) > 0) {
      }
      ::close(live.fd);
    }
  });
  std::vector<DialTimes> all;
  for (int i = 0; i < count; ++i) {
    DialTimes t;
    Live live = dial(pair.a, port, pair.b.id, t);
    ::close(live.fd);
    all.push_back(t);
  }
  b_thread.join();
  ::close(lfd);
  g_secure_allocs_per_reconnect = static_cast<double>(g_secure_allocs.load() - allocs_before) / count;
  return all;
}

// ---- pairing, both state machines in this process (no network, no store)

struct PairingFigures {
  Stats total;
  double secure_allocs = 0;
  int messages = 0;
};

PairingFigures run_pairings(int count) {
  PairingFigures f;
  const auto joiner_keys = crypto::generate_identity_keys();
  const auto inviter_keys = crypto::generate_identity_keys();
  const peer::LocalDevice joiner{"Sam", joiner_keys.sign_public, joiner_keys.sign_secret.span(),
                                 joiner_keys.dh_public, joiner_keys.dh_secret.span(), 47475};
  const peer::LocalDevice inviter{"Alex", inviter_keys.sign_public, inviter_keys.sign_secret.span(),
                                  inviter_keys.dh_public, inviter_keys.dh_secret.span(), 47474};
  std::vector<double> times;
  const long allocs_before = g_secure_allocs.load();
  for (int round = 0; round < count; ++round) {
    const std::string code = peer::generate_invite_code();
    int messages = 0;
    const auto t0 = Clock::now();
    auto j = must(peer::PairingJoiner::start(joiner, code), "joiner");
    auto first = j.take_outgoing();
    if (first.size() != 1) die("joiner: one first message");
    ++messages;
    auto inv = must(peer::PairingInviter::accept(inviter, code, first.front()), "inviter");
    std::vector<peer::Bytes> to_joiner = inv.take_outgoing(), to_inviter;
    while (!to_joiner.empty() || !to_inviter.empty()) {
      for (auto& body : to_joiner) {
        ++messages;
        must(j.receive(body), "joiner receive");
      }
      to_joiner.clear();
      to_inviter = j.take_outgoing();
      for (auto& body : to_inviter) {
        ++messages;
        must(inv.receive(body), "inviter receive");
      }
      to_inviter.clear();
      to_joiner = inv.take_outgoing();
    }
    times.push_back(to_us(Clock::now() - t0));
    if (!j.is_done() || !inv.is_done() || !j.result() || !inv.result()) die("pairing did not finish");
    f.messages = messages;
  }
  f.secure_allocs = static_cast<double>(g_secure_allocs.load() - allocs_before) / count;
  f.total = stats_of(times);
  return f;
}

// ---- floors and pieces, each alone

template <typename F>
std::vector<double> time_each(int rounds, F&& f) {
  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(rounds));
  for (int i = 0; i < rounds; ++i) {
    const auto t0 = Clock::now();
    f(i);
    v.push_back(to_us(Clock::now() - t0));
  }
  return v;
}

struct Pieces {
  Stats sign_verify_raw, sign_raw, verify_raw, aead_200, sign_op, verify_op;
  Stats x25519, ristretto, secure_alloc, fsync;
};

// fdatasync of one 4 KiB page rewritten in place, in the stores' directory (the disk floor
// under every durable commit).
Stats measure_fsync(const fs::path& dir, int rounds) {
  const fs::path file = dir / "fsync-probe";
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) die("fsync probe");
  std::vector<std::uint8_t> page(4096, 0x33);
  for (int i = 0; i < 16; ++i) {
    if (::pwrite(fd, page.data(), page.size(), static_cast<off_t>(i) * 4096) < 0) die("pwrite");
  }
  ::fsync(fd);
  auto v = time_each(rounds, [&](int i) {
    if (::pwrite(fd, page.data(), page.size(), static_cast<off_t>(i % 16) * 4096) < 0) die("pwrite");
    ::fdatasync(fd);
  });
  ::close(fd);
  std::error_code ec;
  fs::remove(file, ec);
  return stats_of(std::move(v));
}

Pieces measure_pieces(Pair& pair) {
  Pieces p;
  std::vector<std::uint8_t> msg(120, 0x42);
  std::uint8_t sig[crypto_sign_BYTES];
  unsigned long long siglen = 0;
  const auto& sk = pair.a.id.sign_secret;
  const auto& pk = pair.a.id.sign_public;
  p.sign_raw = stats_of(time_each(crypto_rounds, [&](int i) {
    msg[0] = static_cast<std::uint8_t>(i);
    crypto_sign_detached(sig, &siglen, msg.data(), msg.size(), sk.data());
  }));
  p.verify_raw = stats_of(time_each(crypto_rounds, [&](int) {
    if (crypto_sign_verify_detached(sig, msg.data(), msg.size(), pk.data()) != 0) die("verify");
  }));
  p.sign_verify_raw = stats_of(time_each(crypto_rounds, [&](int i) {
    msg[0] = static_cast<std::uint8_t>(i);
    crypto_sign_detached(sig, &siglen, msg.data(), msg.size(), sk.data());
    if (crypto_sign_verify_detached(sig, msg.data(), msg.size(), pk.data()) != 0) die("verify");
  }));
  std::uint8_t key[crypto_aead_chacha20poly1305_ietf_KEYBYTES];
  std::uint8_t nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES] = {};
  randombytes_buf(key, sizeof key);
  std::vector<std::uint8_t> plain(aead_bytes, 0x17);
  std::vector<std::uint8_t> sealed(aead_bytes + crypto_aead_chacha20poly1305_ietf_ABYTES);
  unsigned long long sealed_len = 0;
  p.aead_200 = stats_of(time_each(aead_rounds, [&](int i) {
    nonce[0] = static_cast<std::uint8_t>(i);
    crypto_aead_chacha20poly1305_ietf_encrypt(sealed.data(), &sealed_len, plain.data(), plain.size(),
                                              nullptr, 0, nullptr, nonce, key);
  }));
  std::uint8_t scalar[32], point[32], out[32];
  randombytes_buf(scalar, sizeof scalar);
  crypto_scalarmult_base(point, scalar);
  p.x25519 = stats_of(time_each(crypto_rounds, [&](int i) {
    scalar[0] = static_cast<std::uint8_t>(i);
    if (crypto_scalarmult(out, scalar, point) != 0) die("x25519");
  }));
  std::uint8_t hash[crypto_core_ristretto255_HASHBYTES], rpoint[32], rscalar[32];
  randombytes_buf(hash, sizeof hash);
  crypto_core_ristretto255_scalar_random(rscalar);
  p.ristretto = stats_of(time_each(crypto_rounds, [&](int i) {
    hash[0] = static_cast<std::uint8_t>(i);
    crypto_core_ristretto255_from_hash(rpoint, hash);
    if (crypto_scalarmult_ristretto255(out, rscalar, rpoint) != 0) die("ristretto");
  }));
  p.secure_alloc = stats_of(time_each(crypto_rounds, [&](int) {
    void* m = sodium_malloc(32);
    if (m == nullptr) die("sodium_malloc");
    sodium_free(m);
  }));
  // The op layer's own sign and verify (serialise + context + Ed25519 + parse + field checks).
  v1::Op op = space_op(0);
  op.set_author(sync::to_bytes(pk));
  op.set_lamport(1);
  op.set_seq(1);
  op.set_wall_time_ms(1'780'000'000'000);
  std::string signed_bytes;
  p.sign_op = stats_of(time_each(crypto_rounds, [&](int) {
    signed_bytes = must(sync::sign_op(op, sk), "sign_op").signed_op;
  }));
  const std::array<sync::PublicKey, 2> authors{pk, pair.b.id.sign_public};
  p.verify_op = stats_of(time_each(crypto_rounds, [&](int) {
    must(sync::verify_op(signed_bytes, authors), "verify_op");
  }));
  return p;
}

// ---- output

std::vector<double> span_us(const std::vector<SignalTimes>& times, Clock::time_point SignalTimes::*from,
                            Clock::time_point SignalTimes::*to) {
  std::vector<double> v;
  v.reserve(times.size());
  for (const auto& t : times) v.push_back(to_us(t.*to - t.*from));
  return v;
}

void row(const std::string& what, const Stats& s, const std::string& note = {}) {
  std::cout << "| " << what << " | " << fmt(s.median) << " | " << fmt(s.p99) << " | " << s.n << " | "
            << note << " |\n";
}

void print_signals(const char* label, const SignalRun& run, const Stats& rtt, const Pieces& pieces) {
  const auto& t = run.times;
  const Stats total = stats_of(span_us(t, &SignalTimes::start, &SignalTimes::event));
  std::cout << "\n### Signal latency, op created on A -> event on B (" << label << ")\n\n"
            << "| stage | median µs | p99 µs | n | note |\n|---|---:|---:|---:|---|\n";
  row("**total: op created on A -> event on B**", total, "target < 1000 µs median");
  if (run.fsync.n > 0) row("floor: fdatasync of a 4 KiB page, measured just before this run", run.fsync, "A's commit waits for one");
  row("A: create_local_op (sign + store append)", stats_of(span_us(t, &SignalTimes::start, &SignalTimes::created)),
      "of which sign_op alone ≈ " + fmt(pieces.sign_op.median) + " µs");
  row("A: batch frame + Noise encrypt", stats_of(span_us(t, &SignalTimes::created, &SignalTimes::sealed)));
  row("A: send() syscall", stats_of(span_us(t, &SignalTimes::sealed, &SignalTimes::sent)));
  row("wire + B's wake-up", stats_of(span_us(t, &SignalTimes::sent, &SignalTimes::received)),
      "loopback RTT/2 ≈ " + fmt(rtt.median / 2) + " µs");
  row("B: Noise decrypt + Frame parse", stats_of(span_us(t, &SignalTimes::received, &SignalTimes::opened)));
  row("B: SyncSession::on_frame (verify + store append) + ack", stats_of(span_us(t, &SignalTimes::opened, &SignalTimes::applied)),
      "of which verify_op alone ≈ " + fmt(pieces.verify_op.median) + " µs");
  row("B: fold + digests + event", stats_of(span_us(t, &SignalTimes::applied, &SignalTimes::event)));
  std::cout << "\nSecureBytes (sodium_malloc) allocations per signal, both sides: "
            << fmt(run.secure_allocs_per_signal, 1) << " (≈ " << fmt(run.secure_allocs_per_signal * pieces.secure_alloc.median, 0)
            << " µs at the median cost above).\n";
}

void print_pairing(const PairingFigures& f, const Pieces& p) {
  // Per side: CPace = one from_hash + scalarmult for the share and one scalarmult for K (two
  // ristretto rows); Noise XX = one X25519 keygen and three DH (four X25519); the PairProof =
  // one Ed25519 sign and one verify. Both sides work in turn, so the floor is twice that.
  const double floor = 2 * (2 * p.ristretto.median + 4 * p.x25519.median + p.sign_raw.median + p.verify_raw.median);
  std::cout << "\n### Pairing handshake in process (CPace + Noise XXpsk3 + proofs; no network, no store)\n\n"
            << "| measure | median µs | p99 µs | n | note |\n|---|---:|---:|---:|---|\n";
  row("both state machines, start -> both done", f.total, std::to_string(f.messages) + " messages");
  std::cout << "| floor: the public-key operations alone | " << fmt(floor) << " | | | 2 × (2 ristretto + 4 X25519 + sign + verify) |\n"
            << "\nSecureBytes allocations per pairing, both sides: " << fmt(f.secure_allocs, 0) << " (≈ "
            << fmt(f.secure_allocs * p.secure_alloc.median / 1000.0, 2) << " ms at the median cost above).\n";
}

void print_floors(const Stats& rtt_before, const Stats& rtt_after, const Pieces& p) {
  std::cout << "\n### Floors (same run)\n\n| floor | median µs | p99 µs | n | note |\n|---|---:|---:|---:|---|\n";
  row("loopback TCP round trip, 64 B, TCP_NODELAY (before)", rtt_before, "two threads, one process");
  row("loopback TCP round trip, 64 B, TCP_NODELAY (after)", rtt_after);
  row("Ed25519 sign (libsodium)", p.sign_raw);
  row("Ed25519 verify (libsodium)", p.verify_raw);
  row("Ed25519 sign + verify", p.sign_verify_raw);
  row("ChaCha20-Poly1305 IETF, 200 B", p.aead_200);
  row("X25519 scalar multiplication", p.x25519);
  row("ristretto255 from_hash + scalarmult", p.ristretto);
  row("sodium_malloc + sodium_free, 32 B (one SecureBytes)", p.secure_alloc, "guard pages, mprotect, mlock");
  row("fdatasync, 4 KiB page rewritten (stores' file system)", p.fsync, "the disk floor of a durable commit");
  row("sync::sign_op (serialise + sign)", p.sign_op);
  row("sync::verify_op (parse + verify + checks)", p.verify_op);
}

void print_reconnects(const std::vector<DialTimes>& all, const Stats& rtt) {
  std::vector<double> total, connect, ts, crypto, wait;
  int waiting = 0;
  for (const auto& t : all) {
    total.push_back(t.total_us);
    connect.push_back(t.connect_us);
    ts.push_back(t.timestamp_us);
    crypto.push_back(t.crypto_us);
    wait.push_back(t.reply_wait_us);
    if (t.hello_was_waiting) ++waiting;
  }
  std::cout << "\n### Reconnect: dial -> first synced frame, pinned keys (Noise KK)\n\n"
            << "Round trips: 2 (TCP connect; SESSION_INIT -> KK reply). B sends its SyncHello right "
               "behind the reply, so A needs no third: B's hello was already waiting when A had "
               "finished the handshake in "
            << waiting << " of " << all.size() << " dials.\n\n"
            << "| stage | median µs | p99 µs | n | note |\n|---|---:|---:|---:|---|\n";
  row("**total: connect() -> B's SyncHello applied on A**", stats_of(total), "loopback RTT ≈ " + fmt(rtt.median) + " µs");
  row("TCP connect", stats_of(connect));
  row("A: next_session_ts persisted (store write)", stats_of(ts));
  row("A: KK message 1 + finish + hello encrypt", stats_of(crypto));
  row("A: wait for reply (B: decrypt init, ts persisted, KK message 2)", stats_of(wait));
  std::cout << "\nSecureBytes allocations per reconnect, both sides: " << fmt(g_secure_allocs_per_reconnect, 1) << ".\n";
}

}  // namespace

int main(int argc, char** argv) {
  int signals = default_signals;
  int reconnects = default_reconnects;
  int rtt_rounds = default_rtt;
  int pairings = default_pairings;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (value <= 0) die("bad value for " + flag);
    if (flag == "--signals") signals = value;
    else if (flag == "--reconnects") reconnects = value;
    else if (flag == "--rtt") rtt_rounds = value;
    else if (flag == "--pairings") pairings = value;
    else die("unknown flag " + flag);
  }
  crypto::ensure_sodium();
  char tmpl[] = "/tmp/psengine-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) die("mkdtemp");
  const fs::path root = tmpl;

  const Stats rtt_before = stats_of(loopback_round_trips(rtt_rounds));
  Pair on_disk = make_pair(root);
  Pieces pieces = measure_pieces(on_disk);
  pieces.fsync = measure_fsync(root, 200);
  const Stats fsync_disk = measure_fsync(root, 100);
  SignalRun disk_run = run_signals(on_disk, signals);
  disk_run.fsync = fsync_disk;
  const auto reconnect_times = run_reconnects(on_disk, reconnects);
  const PairingFigures pairing = run_pairings(pairings);
  on_disk.a.log.reset();
  on_disk.b.log.reset();
  on_disk.a.store.reset();
  on_disk.b.store.reset();
  // B on tmpfs: stands in for B's own machine. On one machine, A's fdatasync (an ext4
  // journal commit) also writes out B's fresh WAL blocks, which two machines never share.
  char shm_tmpl[] = "/dev/shm/psengine-XXXXXX";
  const bool have_shm = ::mkdtemp(shm_tmpl) != nullptr;
  SignalRun split_run;
  if (have_shm) {
    Pair split = make_pair(root / "split", fs::path(shm_tmpl));
    const Stats fsync_split = measure_fsync(root, 100);
    split_run = run_signals(split, signals);
    split_run.fsync = fsync_split;
  }
  Pair in_memory = make_pair(std::nullopt);
  const SignalRun memory_run = run_signals(in_memory, signals);
  const Stats rtt_after = stats_of(loopback_round_trips(rtt_rounds));

  std::cout << "## engine_bench (signals " << signals << ", reconnects " << reconnects << ")\n";
  print_floors(rtt_before, rtt_after, pieces);
  print_signals("on-disk stores, as the daemon keeps them", disk_run, rtt_before, pieces);
  if (have_shm) print_signals("A's store on disk, B's on tmpfs as if on its own machine", split_run, rtt_before, pieces);
  print_signals("in-memory stores: no disk", memory_run, rtt_before, pieces);
  print_reconnects(reconnect_times, rtt_before);
  print_pairing(pairing, pieces);

  const Stats disk = stats_of(span_us(disk_run.times, &SignalTimes::start, &SignalTimes::event));
  const Stats memory = stats_of(span_us(memory_run.times, &SignalTimes::start, &SignalTimes::event));
  const Stats split = stats_of(span_us(split_run.times, &SignalTimes::start, &SignalTimes::event));
  std::vector<double> dial_total;
  for (const auto& t : reconnect_times) dial_total.push_back(t.total_us);
  const Stats dial = stats_of(dial_total);
  const auto verdict = [](double us) { return us < 1000 ? "met" : "**missed**"; };
  std::cout << "\n### Summary\n\n| figure | median | p99 | floor (same run) | target | |\n|---|---:|---:|---|---|---|\n"
            << "| in-engine signal, op on A -> event on B (on-disk stores) | " << fmt(disk.median) << " µs | "
            << fmt(disk.p99) << " µs | one fdatasync " << fmt(disk_run.fsync.median) << " µs + sign " << fmt(pieces.sign_raw.median)
            << " + verify " << fmt(pieces.verify_raw.median) << " + RTT/2 " << fmt(rtt_before.median / 2) << " µs | < 1000 µs | "
            << verdict(disk.median) << " |\n"
            << "| in-engine signal, A's store on disk, B's on tmpfs (two machines) | " << fmt(split.median) << " µs | "
            << fmt(split.p99) << " µs | one fdatasync " << fmt(split_run.fsync.median) << " µs + sign + verify + RTT/2 | < 1000 µs | "
            << verdict(split.median) << " |\n"
            << "| in-engine signal, op on A -> event on B (in-memory stores) | " << fmt(memory.median) << " µs | "
            << fmt(memory.p99) << " µs | sign + verify + RTT/2 = "
            << fmt(pieces.sign_raw.median + pieces.verify_raw.median + rtt_before.median / 2) << " µs | < 1000 µs | "
            << verdict(memory.median) << " |\n"
            << "| in-engine reconnect: connect -> first synced frame (2 round trips) | " << fmt(dial.median) << " µs | "
            << fmt(dial.p99) << " µs | 2 × RTT " << fmt(2 * rtt_before.median) << " µs + two fdatasyncs | - | - |\n"
            << "| in-process pairing handshake (both sides) | " << fmt(pairing.total.median) << " µs | "
            << fmt(pairing.total.p99) << " µs | public-key ops "
            << fmt(2 * (2 * pieces.ristretto.median + 4 * pieces.x25519.median + pieces.sign_raw.median + pieces.verify_raw.median))
            << " µs | - | - |\n";

  std::error_code ec;
  fs::remove_all(root, ec);
  if (have_shm) fs::remove_all(shm_tmpl, ec);
  return 0;
}
