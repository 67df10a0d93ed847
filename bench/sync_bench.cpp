// Catch-up of the shared op log in one process (docs/sync.md "Sync"), and its pieces.
//
// CatchUp/N: device A holds N ops of its own; a fresh device B (same identity every
// iteration, an empty copy of one paired home) syncs with it through two SyncSessions whose
// frames are serialised and parsed as v1::Frame in between, until both are idle. Both
// stores are real files (WAL, fsync) in a temp dir: $PAIRSPACE_BENCH_TMP or the system's.
// Everything else here is a piece of that path, plus floors (Ed25519, BLAKE2b, AEAD).
//
//   <build>/bin/sync_bench                                   everything
//   <build>/bin/sync_bench --benchmark_filter=CatchUp        just the catch-up
//   valgrind --tool=callgrind --toggle-collect='*converge*'
//       <build>/bin/sync_bench --benchmark_filter='CatchUp/10000'    instruction profile
//
// Results and the figures they gave: bench/results/catchup.md.
#include <benchmark/benchmark.h>
#include <sodium.h>
#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/aead.hpp"
#include "store/store.hpp"
#include "sync/fold.hpp"
#include "sync/op_log.hpp"
#include "sync/sync_session.hpp"

namespace {

using namespace pairspace;
namespace fs = std::filesystem;
using sync::OpAuthor;

constexpr std::size_t apply_batch_ops = 256;
constexpr std::size_t fill_batch_ops = 1000;  // A's ops are made this many per transaction
constexpr int max_frames = 10'000'000;
const store::TimePoint bench_now = store::TimePoint(std::chrono::milliseconds(1'780'000'000'000));

[[noreturn]] void die(const std::string& what) { throw std::runtime_error(what); }

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

void must(const Status& st, const char* what) {
  if (!st) die(std::string(what) + ": " + st.error().message);
}

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("PAIRSPACE_BENCH_TMP");
    std::string pattern =
        ((base != nullptr ? fs::path(base) : fs::temp_directory_path()) / "ps-sync-bench-XXXXXX")
            .string();
    if (::mkdtemp(pattern.data()) == nullptr) die("mkdtemp failed");
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

store::Partner partner_of(const store::Identity& id) {
  store::Partner p;
  p.name = id.name;
  p.sign_public = id.sign_public;
  p.dh_public = id.dh_public;
  p.safety_number = "12345 67890";
  p.paired_at = bench_now;
  return p;
}

// The ops testgen makes: alternating "need space" / "back" with a short note.
v1::Op status_body(std::uint64_t i) {
  v1::Op op;
  auto* status = op.mutable_set_status();
  const bool need = (i % 2) == 1;
  status->set_state(need ? v1::SPACE_STATE_NEED_SPACE : v1::SPACE_STATE_BACK);
  if (need) status->set_kind(v1::SPACE_KIND_ALONE);
  status->set_note("generated op " + std::to_string(i));
  return op;
}

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// Two paired homes on disk: A (filled with N ops once) and an empty template of B that each
// iteration copies, so every catch-up starts from the same empty B.
class Pair {
 public:
  static Pair& with_ops(std::size_t n) {
    static std::map<std::size_t, std::unique_ptr<Pair>> made;
    auto& slot = made[n];
    if (!slot) slot.reset(new Pair(n));
    return *slot;
  }

  sync::OpLog& a() { return *m_a_log; }
  fs::path a_home() const { return m_dir.path() / "a"; }
  const fs::path& b_template() const { return m_b_home; }

 private:
  explicit Pair(std::size_t n) {
    const auto a_home = m_dir.path() / "a";
    m_b_home = m_dir.path() / "b";
    store::InitOptions a_opts;
    a_opts.name = "Alex";
    auto a_id = must(store::init_home(a_home, std::move(a_opts), bench_now), "init A");
    store::InitOptions b_opts;
    b_opts.name = "Sam";
    auto b_id = must(store::init_home(m_b_home, std::move(b_opts), bench_now), "init B");
    m_a_store = must(store::Store::open(store::HomePaths::of(a_home)), "open A");
    must(m_a_store->set_partner(partner_of(b_id)), "pair A");
    {
      auto b_store = must(store::Store::open(store::HomePaths::of(m_b_home)), "open B");
      must(b_store->set_partner(partner_of(a_id)), "pair B");
    }
    m_a_log = must(sync::OpLog::open(*m_a_store), "A's log");
    std::vector<v1::Op> bodies;
    for (std::size_t done = 0; done < n;) {
      bodies.clear();
      for (std::size_t i = 0; i < fill_batch_ops && done + i < n; ++i) {
        bodies.push_back(status_body(done + i + 1));
      }
      done += must(m_a_log->create_local_ops(bodies, bench_now), "fill A");
    }
  }

  TempDir m_dir;
  fs::path m_b_home;
  std::unique_ptr<store::Store> m_a_store;
  std::unique_ptr<sync::OpLog> m_a_log;
};

// A fresh empty B with the template's identity.
struct FreshB {
  explicit FreshB(const fs::path& templ) {
    const auto home = dir.path() / "b";
    fs::copy(templ, home, fs::copy_options::recursive);
    store = must(store::Store::open(store::HomePaths::of(home)), "open B copy");
    log = must(sync::OpLog::open(*store), "B's log");
  }
  TempDir dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<sync::OpLog> log;
};

// Runs both sessions until no frame is left; every frame is serialised and parsed.
// Returns the number of frames moved. (Named for callgrind's --toggle-collect.)
[[gnu::noinline]] std::size_t converge(sync::SyncSession& a, sync::SyncSession& b) {
  std::deque<std::string> to_a;
  std::deque<std::string> to_b;
  to_b.push_back(a.hello().SerializeAsString());
  to_a.push_back(b.hello().SerializeAsString());
  std::size_t moved = 0;
  for (int step = 0; step < max_frames && !(to_a.empty() && to_b.empty()); ++step) {
    const bool for_a = !to_a.empty() && (to_b.empty() || step % 2 == 0);
    auto& queue = for_a ? to_a : to_b;
    v1::Frame frame;
    if (!frame.ParseFromString(queue.front())) die("a frame did not parse");
    queue.pop_front();
    auto out = (for_a ? a : b).on_frame(frame);
    if (!out) die("sync refused: " + out.error().message);
    for (const auto& f : *out) (for_a ? to_b : to_a).push_back(f.SerializeAsString());
    ++moved;
  }
  return moved;
}

void CatchUp(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto& pair = Pair::with_ops(n);
  const auto want = pair.a().digest();
  double rss_growth = 0;
  std::size_t frames = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto b = std::make_unique<FreshB>(pair.b_template());
    sync::SyncSession sa(pair.a());
    sync::SyncSession sb(*b->log);
    const long before = rss_kib();
    state.ResumeTiming();
    frames = converge(sa, sb);
    state.PauseTiming();
    rss_growth = static_cast<double>(rss_kib() - before) / 1024.0;
    if (b->log->digest() != want || b->log->head(OpAuthor::partner) != n) die("no convergence");
    b.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["frames"] = static_cast<double>(frames);
  state.counters["rss_growth_MB"] = rss_growth;
}
BENCHMARK(CatchUp)->Arg(10'000)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(CatchUp)->Arg(100'000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Opening a log of N ops from its store (a daemon does this when it starts): a second
// connection to A's file.
void OpLogOpen(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto& pair = Pair::with_ops(n);
  auto a_store = must(store::Store::open(store::HomePaths::of(pair.a_home())), "open A again");
  for (auto _ : state) {
    auto log = must(sync::OpLog::open(*a_store), "reopen");
    if (log->head(OpAuthor::self) != n) die("reopened log is short");
    benchmark::DoNotOptimize(log);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(OpLogOpen)->Arg(10'000)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---------------------------------------------------------------- pieces

struct Signer {
  Signer() {
    crypto::ensure_sodium();
    crypto_sign_keypair(pk.data(), sk.data());
    secret = crypto::SecureBytes(std::span<const std::uint8_t>(sk));
  }
  sync::VerifiedOp sign(std::uint64_t seq) const {
    v1::Op op = status_body(seq);
    op.set_author(sync::to_bytes(pk));
    op.set_seq(seq);
    op.set_lamport(seq);
    op.set_wall_time_ms(1'780'000'000'000);
    if (seq > 1) op.set_prev_hash(std::string(32, 'p'));  // a link (not checked here)
    return must(sync::sign_op(op, secret), "sign");
  }
  sync::PublicKey pk{};
  std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  crypto::SecureBytes secret;
};

void Floor_Ed25519Verify(benchmark::State& state) {
  Signer s;
  const auto op = s.sign(7);
  v1::SignedOp env;
  env.ParseFromString(op.signed_op);
  const std::string message = std::string(sync::op_signature_context) + env.op();
  for (auto _ : state) {
    const int rc = crypto_sign_verify_detached(
        reinterpret_cast<const unsigned char*>(env.signature().data()),
        reinterpret_cast<const unsigned char*>(message.data()), message.size(), s.pk.data());
    benchmark::DoNotOptimize(rc);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(Floor_Ed25519Verify);

void Floor_Ed25519Sign(benchmark::State& state) {
  Signer s;
  const std::string message(100, 'm');
  std::array<std::uint8_t, crypto_sign_BYTES> sig{};
  for (auto _ : state) {
    crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                         message.size(), s.sk.data());
    benchmark::DoNotOptimize(sig);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(Floor_Ed25519Sign);

void Floor_Blake2bPerOp(benchmark::State& state) {
  Signer s;
  const auto op = s.sign(7);
  for (auto _ : state) benchmark::DoNotOptimize(sync::content_hash(op.signed_op));
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes"] = static_cast<double>(op.signed_op.size());
}
BENCHMARK(Floor_Blake2bPerOp);

void Floor_AeadSealPerOp(benchmark::State& state) {
  Signer s;
  const auto op = s.sign(7);
  const auto key = crypto::SecureBytes::random(32);
  const std::span<const std::uint8_t> plain(reinterpret_cast<const std::uint8_t*>(op.signed_op.data()),
                                            op.signed_op.size());
  for (auto _ : state) benchmark::DoNotOptimize(crypto::aead_seal(key, plain, "pairspace/v1/op/x"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(Floor_AeadSealPerOp);

void SignOp(benchmark::State& state) {
  Signer s;
  std::uint64_t seq = 0;
  for (auto _ : state) benchmark::DoNotOptimize(s.sign(++seq));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(SignOp);

void VerifyOp(benchmark::State& state) {
  Signer s;
  const auto op = s.sign(7);
  const std::array<sync::PublicKey, 2> authors{sync::PublicKey{}, s.pk};
  for (auto _ : state) benchmark::DoNotOptimize(sync::verify_op(op.signed_op, authors));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(VerifyOp);

void ParseStoredOp(benchmark::State& state) {
  Signer s;
  const auto op = s.sign(7);
  for (auto _ : state) benchmark::DoNotOptimize(sync::parse_stored_op(op.signed_op));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(ParseStoredOp);

// Batches of 256 of A's ops into B, one after the other (a fresh B when A's run out).
template <bool verified>
void ApplyBatch(benchmark::State& state) {
  auto& pair = Pair::with_ops(10'000);
  const std::array<sync::PublicKey, 2> authors{pair.a().key_of(OpAuthor::self),
                                               pair.a().key_of(OpAuthor::partner)};
  std::unique_ptr<FreshB> b;
  for (auto _ : state) {
    state.PauseTiming();
    if (!b || b->log->head(OpAuthor::partner) + apply_batch_ops > 10'000) {
      b.reset();
      b = std::make_unique<FreshB>(pair.b_template());
    }
    auto batch = pair.a().ops_after(OpAuthor::self, b->log->head(OpAuthor::partner),
                                    apply_batch_ops, SIZE_MAX);
    std::vector<sync::VerifiedOp> ops;
    if (verified) {
      for (auto& bytes : batch) ops.push_back(must(sync::verify_op(std::move(bytes), authors), "verify"));
    }
    state.ResumeTiming();
    if (verified) {
      must(b->log->apply_verified_batch(std::move(ops)), "apply verified");
    } else {
      must(b->log->apply_remote_batch(batch), "apply");
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(apply_batch_ops));
}
void ApplyRemoteBatch256(benchmark::State& state) { ApplyBatch<false>(state); }
void ApplyVerifiedBatch256(benchmark::State& state) { ApplyBatch<true>(state); }
BENCHMARK(ApplyRemoteBatch256)->UseRealTime();
BENCHMARK(ApplyVerifiedBatch256)->UseRealTime();

// Store::append_ops of 256 sealed rows in one transaction (fsync included).
void StoreAppend256(benchmark::State& state) {
  auto& pair = Pair::with_ops(10'000);
  auto b = std::make_unique<FreshB>(pair.b_template());
  std::uint64_t seq = 0;
  std::vector<store::StoredOp> rows(apply_batch_ops);
  const std::string body(90, 'o');
  for (auto _ : state) {
    for (auto& row : rows) row = store::StoredOp{OpAuthor::partner, ++seq, seq, body};
    must(b->store->append_ops(rows), "append");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(apply_batch_ops));
}
BENCHMARK(StoreAppend256)->UseRealTime();

// Fold of 10 000 ops from scratch, and the digest of the state.
void FoldAll(benchmark::State& state) {
  auto& pair = Pair::with_ops(10'000);
  std::vector<sync::VerifiedOp> ops;
  for (std::uint64_t seq = 1; seq <= 10'000; ++seq) ops.push_back(*pair.a().find(OpAuthor::self, seq));
  for (auto _ : state) {
    sync::Fold fold;
    for (const auto& op : ops) fold.apply(op);
    benchmark::DoNotOptimize(sync::digest_of(fold.state()));
  }
  state.SetItemsProcessed(state.iterations() * 10'000);
}
BENCHMARK(FoldAll)->Unit(benchmark::kMillisecond);

// A 256-op batch frame: serialised and parsed once each.
void FrameRoundTrip(benchmark::State& state) {
  auto& pair = Pair::with_ops(10'000);
  v1::Frame frame;
  for (auto& op : pair.a().ops_after(OpAuthor::self, 0, apply_batch_ops, sync::max_batch_bytes)) {
    frame.mutable_op_batch()->add_ops(std::move(op));
  }
  for (auto _ : state) {
    v1::Frame parsed;
    parsed.ParseFromString(frame.SerializeAsString());
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations() * frame.op_batch().ops_size());
}
BENCHMARK(FrameRoundTrip);

}  // namespace

BENCHMARK_MAIN();
