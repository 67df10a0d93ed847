#pragma once
// The device's encrypted store: one SQLite file in the home. Every secret key and every
// user text is sealed with a random data key (XChaCha20-Poly1305); the data key is
// wrapped by the key file (default) or by Argon2id of a passphrase. See docs/storage.md.
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/secure.hpp"
#include "pairspace.pb.h"
#include "util/result.hpp"

namespace pairspace::store {

namespace fs = std::filesystem;
using TimePoint = std::chrono::system_clock::time_point;

// Where everything of one device lives.
struct HomePaths {
  fs::path home;
  fs::path database;  // home/store.db (+ -wal, -shm)
  fs::path key_file;  // home/key      (absent in passphrase mode)
  fs::path socket;    // home/control.sock
  fs::path lock;      // home/daemon.lock
  fs::path log;       // home/daemon.log
  static HomePaths of(const fs::path& home);
};

struct InitOptions {
  std::string name;                              // device name shown to the partner
  std::optional<crypto::SecureBytes> passphrase; // set: Argon2id wrap, no key file
};

struct Identity {
  std::string name;
  std::string device_id;                 // e.g. "ABCD-EFGH-IJKL-MNOP-QRST-UVWX"
  std::array<std::uint8_t, 32> sign_public{};
  std::array<std::uint8_t, 32> dh_public{};
  crypto::SecureBytes sign_secret;       // 64 bytes (libsodium Ed25519 layout)
  crypto::SecureBytes dh_secret;         // 32 bytes (X25519)
};

// The one partner this device is paired with (DESIGN.md "Pairing"). Every field is sealed
// with the data key on disk (docs/storage.md).
struct Partner {
  std::string name;                             // the partner's device name (UTF-8, 1..100 bytes)
  std::string device_id;                        // derived from sign_public (crypto::device_id_of)
  std::array<std::uint8_t, 32> sign_public{};   // Ed25519
  std::array<std::uint8_t, 32> dh_public{};     // X25519 (Noise static)
  std::string address;                          // last known "HOST:PORT" (may be empty)
  std::string safety_number;                    // as shown at pairing
  TimePoint paired_at{};                        // stored to the millisecond
  std::optional<TimePoint> last_seen;           // stored to the millisecond
};

// Who wrote an op, relative to this device (the op log holds exactly two authors).
enum class OpAuthor : std::uint8_t { self = 0, partner = 1 };

// One op of the shared log as the store keeps it: signed_op is the serialised SignedOp,
// exactly as made or received (never re-serialised).
struct StoredOp {
  OpAuthor author = OpAuthor::self;
  std::uint64_t seq = 0;
  std::uint64_t lamport = 0;
  std::string signed_op;
};

struct OpHeads {
  std::uint64_t self = 0;
  std::uint64_t partner = 0;
};

// One author's stored ops in seq order (or newest first), read and opened one at a time,
// so reading the log back needs no memory that grows with it (Store::read_ops). It holds a
// read statement on the store's connection: use it for one pass, not across writes to
// the op log, and never after the Store is gone.
class OpCursor {
 public:
  OpCursor(OpCursor&& other) noexcept;
  OpCursor& operator=(OpCursor&& other) noexcept;
  OpCursor(const OpCursor&) = delete;
  OpCursor& operator=(const OpCursor&) = delete;
  ~OpCursor();
  // The next op, or nullopt after the last. A row that does not open: CODE_STORE.
  Result<std::optional<StoredOp>> next();

  struct State;

 private:
  friend class Store;
  explicit OpCursor(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

// Creates HOME (0700) with a new identity and an empty store. Refuses (CODE_REFUSED)
// when HOME already holds a store; never touches an existing one.
Result<Identity> init_home(const fs::path& home, InitOptions options, TimePoint now);

// Parameters to derive the key-encryption key from a passphrase (stored in the clear).
struct PassphraseParams {
  std::array<std::uint8_t, 16> salt{};
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;
};
// Argon2id: slow on purpose (run it off the network thread).
Result<crypto::SecureBytes> derive_passphrase_key(const PassphraseParams& params,
                                                  std::span<const std::uint8_t> passphrase);

class Store {
 public:
  // Opens and checks an existing store: SQLite header, application_id, schema version
  // (runs migrations for older, refuses newer), integrity. Never writes to a file it
  // does not recognise. In key-file mode it is unlocked on return.
  static Result<std::unique_ptr<Store>> open(const HomePaths& paths);
  // In-memory store for unit tests (key-file-less, already unlocked).
  static Result<std::unique_ptr<Store>> open_in_memory(std::string_view name, TimePoint now);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  bool locked() const;
  // Things the owner should hear about that did not stop the store from opening, e.g. a
  // key file others can read. One sentence each; the daemon logs them.
  const std::vector<std::string>& warnings() const;
  // Passphrase mode only; nullopt in key-file mode.
  std::optional<PassphraseParams> passphrase_params() const;
  // Unwraps the data key with a key from derive_passphrase_key.
  // Wrong key: CODE_NOT_READY with a clear sentence; the store stays locked.
  Status unlock(const crypto::SecureBytes& key_encryption_key);

  // Everything below requires an unlocked store (else CODE_NOT_READY).
  Result<Identity> identity() const;

  Result<v1::JournalEntry> journal_add(std::string_view text, TimePoint now);
  // grep: case-insensitive substring of the text ("" = all); since: entries at or after.
  Result<std::vector<v1::JournalEntry>> journal_list(std::string_view grep,
                                                     std::optional<TimePoint> since) const;
  Result<v1::JournalEntry> journal_get(std::uint64_t id) const;  // missing: CODE_USAGE
  // Deletes the entry; its ciphertext is overwritten in the file and the WAL is checkpointed
  // and truncated so no old page survives.
  Status journal_delete(std::uint64_t id);

  // ---- partner (src/store/partner.cpp)
  // nullopt when not paired.
  Result<std::optional<Partner>> partner() const;
  // Pins a new partner. A partner already pinned: CODE_REFUSED (forget it first). Bad
  // fields (empty/too long/non-UTF-8 name, zero keys, a device_id that does not match
  // sign_public, the device's own key): CODE_USAGE. device_id may be left empty; it is
  // always derived from sign_public. Starts with fresh replay counters.
  Status set_partner(const Partner& p);
  // Not paired: CODE_NOT_READY.
  Status set_partner_address(std::string_view address);
  Status set_partner_last_seen(TimePoint t);
  // Drops the partner's keys and ALL shared state in one transaction, then checkpoints
  // and truncates the WAL (secure_delete zeroes the freed cells) so nothing of it
  // survives in the files. The journal and this device's identity stay. Not paired:
  // CODE_NOT_READY (any leftover shared state is still cleared first).
  Status forget_partner();

  // Replay guard for session handshakes (Noise KK message 1 timestamps, ms). Plain
  // integers on disk, kept only while paired and cleared by forget_partner.
  // The last timestamp accepted from the partner; 0 if none (or not paired).
  Result<std::uint64_t> last_accepted_session_ts() const;
  // ts_ms must be greater than the current value, else CODE_REFUSED (a replay). Not
  // paired: CODE_NOT_READY.
  Status set_last_accepted_session_ts(std::uint64_t ts_ms);
  // The timestamp to send in our next handshake: max(now_ms, last_sent + 1), persisted
  // before it is returned. Not paired: CODE_NOT_READY.
  Result<std::uint64_t> next_session_ts(std::uint64_t now_ms);

  // ---- shared-state op log (src/store/ops.cpp; docs/storage.md "The op log")
  // Ops exist only while paired (not paired: CODE_NOT_READY) and forget_partner clears
  // them. The signed bytes are sealed, bound to the pairing, author, seq and lamport;
  // author, seq and lamport stay in the clear for ordering and version vectors.
  // Appends all ops in ONE transaction: all or nothing. (author, seq) already stored, a
  // zero seq or lamport, or lamport above 2^63 - 1: CODE_STORE and nothing is written.
  // Durability: a batch holding any op of this device's own is flushed to disk before this
  // returns. A batch of only the partner's ops is not waited for (it survives a crash of the
  // daemon; a power cut may lose the newest such batches, which the partner, holding them,
  // sends again on the next hello) — one disk flush less on every signal received.
  Status append_ops(std::span<const StoredOp> ops);
  // Every op, by author then seq.
  Result<std::vector<StoredOp>> load_ops() const;
  // The ops of `author` with first_seq <= seq <= last_seq, by seq (newest_first: the other
  // way round), opened one at a time. Not paired: a cursor with nothing in it.
  Result<OpCursor> read_ops(OpAuthor author, std::uint64_t first_seq, std::uint64_t last_seq,
                            bool newest_first = false) const;
  // Highest stored seq of each author (0 = none).
  Result<OpHeads> op_heads() const;

  // ---- delivery of this device's ops (src/store/delivery.cpp)
  // The partner's daemon confirmed it holds this device's ops up to `up_to_seq` at `at`.
  // Only a higher seq than any recorded adds a row. Cleared by forget_partner.
  Status record_delivered(std::uint64_t up_to_seq, TimePoint at);
  // Every (up_to_seq, at) recorded, by seq: op n was delivered at the first row with
  // up_to_seq >= n.
  Result<std::vector<std::pair<std::uint64_t, TimePoint>>> deliveries() const;

  class Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace pairspace::store
