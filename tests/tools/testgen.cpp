// pairspace-testgen: fills and inspects a STOPPED device's home for benchmarks and fault
// tests, through the same store and op-log code the daemon uses. Not installed, not part
// of the public CLI.
//
//   pairspace-testgen ops     --home H --count N [--batch B]  sign N space ops as this device
//   pairspace-testgen journal --home H --count N               add N journal entries
//   pairspace-testgen digest  --home H                         print the op log's digest and heads
//
// It takes the home's daemon lock, so it refuses to run beside a running daemon.
#include <sodium.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/lock_file.hpp"
#include "store/store.hpp"
#include "sync/op_log.hpp"

namespace {

using namespace pairspace;
using Clock = std::chrono::system_clock;

constexpr std::uint64_t max_count = 10'000'000;
constexpr std::uint64_t default_batch = 1000;

struct Args {
  std::string command;
  std::string home;
  std::uint64_t count = 0;
  std::uint64_t batch = default_batch;
};

int fail(std::string_view sentence) {
  std::cerr << "pairspace-testgen: " << sentence << "\n";
  return 1;
}

bool parse_number(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text.size() > 9) return false;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = value;
  return true;
}

bool parse_args(int argc, char** argv, Args& args) {
  if (argc < 2) return false;
  args.command = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const std::string_view value = argv[i + 1];
    if (flag == "--home") {
      args.home = value;
    } else if (flag == "--count") {
      if (!parse_number(value, args.count) || args.count > max_count) return false;
    } else if (flag == "--batch") {
      if (!parse_number(value, args.batch) || args.batch == 0) return false;
    } else {
      return false;
    }
  }
  return (argc % 2) == 0 && !args.home.empty();
}

std::string hex(const sync::Hash& hash) {
  std::string out(hash.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), hash.data(), hash.size());
  out.pop_back();
  return out;
}

// Through OpLog::create_local_ops, so the ops are exactly what the daemon would make
// (seq, lamport and the hash chain's prev_hash), `--batch` of them per transaction.
int make_ops(store::Store& store, const Args& args) {
  auto log = sync::OpLog::open(store);
  if (!log) return fail(log.error().message);
  std::uint64_t seq = (*log)->head(store::OpAuthor::self);
  std::uint64_t left = args.count;
  std::vector<v1::Op> bodies;
  while (left > 0) {
    const std::uint64_t n = left < args.batch ? left : args.batch;
    bodies.clear();
    bodies.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      v1::Op op;
      auto* status = op.mutable_set_status();
      const bool need = ((seq + i + 1) % 2) == 1;
      status->set_state(need ? v1::SPACE_STATE_NEED_SPACE : v1::SPACE_STATE_BACK);
      if (need) status->set_kind(v1::SPACE_KIND_ALONE);
      status->set_note("generated op " + std::to_string(seq + i + 1));
      bodies.push_back(std::move(op));
    }
    auto made = (*log)->create_local_ops(bodies, Clock::now());
    if (!made) return fail(made.error().message);
    seq += n;
    left -= n;
  }
  std::cout << "ops " << args.count << " head " << seq << "\n";
  return 0;
}

int make_journal(store::Store& store, const Args& args) {
  for (std::uint64_t i = 0; i < args.count; ++i) {
    auto entry = store.journal_add("generated entry " + std::to_string(i) +
                                       (i % 100 == 0 ? " needle" : " hay"),
                                   Clock::now());
    if (!entry) return fail(entry.error().message);
  }
  std::cout << "journal " << args.count << "\n";
  return 0;
}

int print_digest(store::Store& store) {
  auto log = sync::OpLog::open(store);
  if (!log) return fail(log.error().message);
  auto rows = store.load_ops();
  if (!rows) return fail(rows.error().message);
  std::cout << "digest " << hex((*log)->digest()) << "\n"
            << "self " << (*log)->head(store::OpAuthor::self) << "\n"
            << "partner " << (*log)->head(store::OpAuthor::partner) << "\n"
            << "rows " << rows->size() << "\n";
  return 0;
}

int run(int argc, char** argv) {
  Args args;
  if (!parse_args(argc, argv, args) ||
      (args.command != "ops" && args.command != "journal" && args.command != "digest")) {
    return fail("usage: pairspace-testgen ops|journal|digest --home DIR [--count N] [--batch B]");
  }
  if (sodium_init() < 0) return fail("libsodium could not start");
  const auto paths = store::HomePaths::of(args.home);
  auto lock = daemon::LockFile::acquire(paths.lock, paths.home);
  if (!lock) return fail(lock.error().message);
  auto store = store::Store::open(paths);
  if (!store) return fail(store.error().message);
  if (args.command == "ops") return make_ops(**store, args);
  if (args.command == "journal") return make_journal(**store, args);
  return print_digest(**store);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
