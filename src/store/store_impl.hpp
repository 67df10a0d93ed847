#pragma once
// Internal to src/store: the pieces store.cpp, home.cpp, schema.cpp, keyring.cpp and
// journal.cpp share. Not part of the public API (tests may use it).
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secure.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "util/utf8.hpp"

namespace pairspace::store::detail {

inline constexpr std::uint32_t application_id = 0x50535043;  // "PSPC"
inline constexpr int schema_version = 1;
inline constexpr std::size_t data_key_bytes = 32;
inline constexpr std::size_t key_encryption_key_bytes = 32;

// ---------------------------------------------------------------- schema (schema.cpp)

// One step of the schema, from version `from` to `from + 1`. Step 0 creates the tables.
struct Migration {
  int from;
  Status (*apply)(sql::Database& db);
};
std::span<const Migration> migrations();
// Runs steps from `current` up to `target`, each in its own transaction that also sets
// user_version, so an interrupted upgrade leaves the last complete version.
Status migrate(sql::Database& db, int current, int target, std::span<const Migration> steps);

// Reads the file's header bytes without SQLite (so nothing can be written) and refuses
// garbage, truncated, foreign and too-new files with a sentence naming the file.
Status check_file_header(const fs::path& database, const fs::path& wal);
// Same checks through SQLite (sees committed-but-not-checkpointed WAL content too),
// then PRAGMA quick_check. Reads only.
Status check_open_database(sql::Database& db, const fs::path& database);
// Per-connection settings: WAL, secure_delete, foreign keys, temp files in memory.
Status configure_connection(sql::Database& db);

// ---------------------------------------------------------------- keys (keyring.cpp)

enum class WrapMode { key_file, passphrase };

struct Keyring {
  WrapMode mode = WrapMode::key_file;
  PassphraseParams params;  // passphrase mode only
  std::vector<std::uint8_t> wrapped_data_key;
};

std::string data_key_ad(WrapMode mode);
std::string identity_ad();
std::string journal_ad(std::int64_t id, std::int64_t created_at_ms);
// part: "record" (name, keys, safety number, paired_at) or "contact" (address, last_seen).
std::string partner_ad(std::span<const std::uint8_t> pairing_id, std::string_view part);

Result<Keyring> read_keyring(sql::Database& db);
Status insert_keyring(sql::Database& db, const Keyring& keyring);
PassphraseParams default_passphrase_params();
// Sane bounds, so a tampered file cannot make us allocate gigabytes.
bool passphrase_params_plausible(const PassphraseParams& params);

// Key file: magic line + 32 bytes, mode 0600, written atomically.
inline constexpr std::string_view key_file_magic = "PAIRSPACE-KEY-1\n";
Status write_key_file(const fs::path& path, const crypto::SecureBytes& key_encryption_key);
// warnings receives a sentence when the file is readable by others.
Result<crypto::SecureBytes> read_key_file(const HomePaths& paths,
                                          std::vector<std::string>& warnings);

// ---------------------------------------------------------------- records (store.cpp)

std::int64_t to_ms(TimePoint t);
TimePoint from_ms(std::int64_t ms);
using util::valid_utf8;
std::string default_device_name();

Result<std::vector<std::uint8_t>> seal_identity(const crypto::SecureBytes& data_key,
                                                const Identity& identity, TimePoint created);
Result<Identity> open_identity(const crypto::SecureBytes& data_key,
                               std::span<const std::uint8_t> sealed);

// Creates schema and the keyring and identity rows in one transaction.
Status create_store(sql::Database& db, const Keyring& keyring,
                    const crypto::SecureBytes& data_key, const Identity& identity, TimePoint now);

Result<Identity> new_identity(std::string name);

// ---------------------------------------------------------------- partner (partner_records.cpp)

inline constexpr std::size_t pairing_id_bytes = 16;

// Field checks for set_partner / set_partner_address (CODE_USAGE with a sentence).
Status check_partner_fields(const Partner& p);
Status check_partner_address(std::string_view address);

// The two sealed boxes of the partner row, both bound to the row's pairing id.
Result<std::vector<std::uint8_t>> seal_partner_record(const crypto::SecureBytes& data_key,
                                                      std::span<const std::uint8_t> pairing_id,
                                                      const Partner& p);
Result<std::vector<std::uint8_t>> seal_partner_contact(const crypto::SecureBytes& data_key,
                                                       std::span<const std::uint8_t> pairing_id,
                                                       std::string_view address,
                                                       std::optional<TimePoint> last_seen);
// Fills everything but address and last_seen (device_id is derived).
Result<Partner> open_partner_record(const crypto::SecureBytes& data_key,
                                    std::span<const std::uint8_t> pairing_id,
                                    std::span<const std::uint8_t> sealed);
// Fills address and last_seen of p.
Status open_partner_contact(const crypto::SecureBytes& data_key,
                            std::span<const std::uint8_t> pairing_id,
                            std::span<const std::uint8_t> sealed, Partner& p);

// ---------------------------------------------------------------- ops (ops.cpp)

// "pairspace/v1/op/<pairing_id as 32 hex digits>/<self|partner>/<seq>/<lamport>"
std::string op_ad(std::span<const std::uint8_t> pairing_id, OpAuthor author, std::uint64_t seq,
                  std::uint64_t lamport);

// ---------------------------------------------------------------- init (home.cpp)

// init_home with a fault hook: called before each step with the step's name; returning
// true makes that step fail (tests loop over every step to prove clean-up).
using FaultHook = std::function<bool(std::string_view step)>;
Result<Identity> init_home(const fs::path& home, InitOptions options, TimePoint now,
                           const FaultHook& fail_at);

}  // namespace pairspace::store::detail

namespace pairspace::store {

class Store::Impl {
 public:
  explicit Impl(sql::Database database) : db(std::move(database)) {}
  sql::Database db;
  HomePaths paths;  // empty for in-memory stores
  detail::Keyring keyring;
  crypto::SecureBytes data_key;  // empty while locked
  std::vector<std::string> warnings;

  Status require_unlocked() const;
  // PRAGMA wal_checkpoint(TRUNCATE): copies the newest pages (with secure_delete's zeroed
  // cells) over the old ones in the main file and empties the WAL. When a reader keeps it
  // from finishing, adds a warning starting with `what` (the next checkpoint finishes it).
  void wipe_wal(std::string_view what);
  // Re-seals the partner's contact box after `change` (partner.cpp). Not paired: NOT_READY.
  Status update_partner_contact(
      const std::function<void(std::string& address, std::optional<TimePoint>& last_seen)>&
          change);
};

}  // namespace pairspace::store
