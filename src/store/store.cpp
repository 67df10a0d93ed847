// Opening, checking and unlocking a device's store.
#include "store/store.hpp"

#include "crypto/aead.hpp"
#include "store/store_impl.hpp"

namespace pairspace::store {
namespace {

constexpr std::string_view database_name = "store.db";
constexpr std::string_view key_file_name = "key";

Error locked_error() {
  return make_error(v1::CODE_NOT_READY,
                    "This device's store is locked — unlock it with "
                    "`pairspace unlock --passphrase-stdin`.");
}

fs::path with_suffix(const fs::path& p, std::string_view suffix) {
  return fs::path(p.string() + std::string(suffix));
}

}  // namespace

HomePaths HomePaths::of(const fs::path& home) {
  HomePaths paths;
  paths.home = home;
  paths.database = home / database_name;
  paths.key_file = home / key_file_name;
  paths.socket = home / "control.sock";
  paths.lock = home / "daemon.lock";
  paths.log = home / "daemon.log";
  return paths;
}

Status Store::Impl::require_unlocked() const {
  if (data_key.empty()) return locked_error();
  return ok_status();
}

void Store::Impl::wipe_wal(std::string_view what) {
  auto checkpoint = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  bool done = false;
  if (checkpoint) {
    auto row = checkpoint->step();
    done = row && (!*row || checkpoint->column_int64(0) == 0);
  }
  if (!done) {
    warnings.push_back(std::string(what) +
                       ", but its old copy could not yet be wiped from the store's log because "
                       "the store was busy; it will be wiped at the next delete or when the "
                       "store is closed.");
  }
}

Store::Store(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const HomePaths& paths) {
  std::error_code ec;
  const auto status = fs::symlink_status(paths.database, ec);
  if (ec || !fs::exists(status)) {
    return make_error(v1::CODE_NOT_READY, "No pairspace device in " + paths.home.string() +
                                              " yet — create one with `pairspace init`.");
  }
  // Header bytes first, without SQLite: garbage, foreign, truncated or too-new files are
  // refused before anything could write to them (or create -wal/-shm beside them).
  if (auto st = detail::check_file_header(paths.database, with_suffix(paths.database, "-wal"));
      !st) {
    return st.error();
  }
  auto db = sql::Database::open(paths.database.string(),
                                SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW);
  if (!db) return db.error();
  if (auto st = detail::check_open_database(*db, paths.database); !st) return st.error();
  if (auto st = detail::configure_connection(*db); !st) return st.error();
  auto version = db->query_int("PRAGMA user_version");
  if (!version) return version.error();
  if (auto st = detail::migrate(*db, static_cast<int>(*version), detail::schema_version,
                                detail::migrations());
      !st) {
    return st.error();
  }
  auto keyring = detail::read_keyring(*db);
  if (!keyring) return keyring.error();

  auto impl = std::make_unique<Impl>(std::move(*db));
  impl->paths = paths;
  impl->keyring = std::move(*keyring);
  if (impl->keyring.mode == detail::WrapMode::key_file) {
    auto kek = detail::read_key_file(paths, impl->warnings);
    if (!kek) return kek.error();
    auto dk = crypto::aead_open(*kek, impl->keyring.wrapped_data_key,
                                detail::data_key_ad(detail::WrapMode::key_file));
    if (!dk) {
      return make_error(v1::CODE_NOT_READY,
                        "The key file " + paths.key_file.string() + " does not open the store in " +
                            paths.home.string() +
                            "; it may belong to another device. Nothing was changed.");
    }
    impl->data_key = std::move(*dk);
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Result<std::unique_ptr<Store>> Store::open_in_memory(std::string_view name, TimePoint now) {
  std::string device_name(name);
  if (device_name.empty()) device_name = detail::default_device_name();
  auto db = sql::Database::open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                                SQLITE_OPEN_MEMORY);
  if (!db) return db.error();
  if (auto st = detail::configure_connection(*db); !st) return st.error();
  auto identity = detail::new_identity(std::move(device_name));
  if (!identity) return identity.error();
  // The wrapping key is thrown away: nothing outlives this process anyway.
  const auto kek = crypto::SecureBytes::random(detail::key_encryption_key_bytes);
  auto dk = crypto::SecureBytes::random(detail::data_key_bytes);
  detail::Keyring keyring;
  auto wrapped = crypto::aead_seal(kek, dk.span(), detail::data_key_ad(keyring.mode));
  if (!wrapped) return wrapped.error();
  keyring.wrapped_data_key = std::move(*wrapped);
  if (auto st = detail::create_store(*db, keyring, dk, *identity, now); !st) return st.error();
  auto impl = std::make_unique<Impl>(std::move(*db));
  impl->keyring = std::move(keyring);
  impl->data_key = std::move(dk);
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

bool Store::locked() const { return m_impl->data_key.empty(); }

const std::vector<std::string>& Store::warnings() const { return m_impl->warnings; }

std::optional<PassphraseParams> Store::passphrase_params() const {
  if (m_impl->keyring.mode != detail::WrapMode::passphrase) return std::nullopt;
  return m_impl->keyring.params;
}

Status Store::unlock(const crypto::SecureBytes& key_encryption_key) {
  if (m_impl->keyring.mode != detail::WrapMode::passphrase) {
    return make_error(v1::CODE_USAGE,
                      "This device's store has no passphrase; it opens with its key file.");
  }
  auto dk = crypto::aead_open(key_encryption_key, m_impl->keyring.wrapped_data_key,
                              detail::data_key_ad(detail::WrapMode::passphrase));
  if (!dk) {
    return make_error(v1::CODE_NOT_READY,
                      "That passphrase did not open this device's store. Nothing was changed — "
                      "please try again.");
  }
  m_impl->data_key = std::move(*dk);
  return ok_status();
}

Result<Identity> Store::identity() const {
  if (auto st = m_impl->require_unlocked(); !st) return st.error();
  auto stmt = m_impl->db.prepare("SELECT sealed FROM identity WHERE id = 1");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) {
    return make_error(v1::CODE_STORE,
                      "This device's identity is missing from its store. Nothing was changed; "
                      "if you have a backup, restore it.");
  }
  return detail::open_identity(m_impl->data_key, stmt->column_blob(0));
}

}  // namespace pairspace::store
