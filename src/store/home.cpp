// Creating a device home: directory (0700), key file (0600) and store, all or nothing.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/aead.hpp"
#include "store/store_impl.hpp"

namespace pairspace::store {
namespace detail {
namespace {

constexpr mode_t home_mode = 0700;
constexpr mode_t database_mode = 0600;
constexpr std::size_t max_name_bytes = 100;

// Remembers what init created so a failure can take exactly that back.
class Undo {
 public:
  Undo() = default;
  Undo(const Undo&) = delete;
  Undo& operator=(const Undo&) = delete;
  ~Undo() {
    if (m_done) return;
    std::error_code ec;
    for (auto it = m_files.rbegin(); it != m_files.rend(); ++it) fs::remove(*it, ec);
    for (auto it = m_dirs.rbegin(); it != m_dirs.rend(); ++it) fs::remove(*it, ec);  // if empty
  }
  void file(fs::path p) { m_files.push_back(std::move(p)); }
  void dir(fs::path p) { m_dirs.push_back(std::move(p)); }
  void keep() { m_done = true; }

 private:
  std::vector<fs::path> m_files;
  std::vector<fs::path> m_dirs;
  bool m_done = false;
};

Error injected(std::string_view step) {
  return make_error(v1::CODE_STORE, "pairspace could not " + std::string(step) +
                                        " (simulated failure). Nothing was kept.");
}

Error io_error(std::string_view what, const fs::path& p, int err) {
  return make_error(v1::CODE_STORE, "pairspace could not " + std::string(what) + " " +
                                        p.string() + " (" + std::strerror(err) +
                                        "). Nothing was kept.");
}

// Creates missing directories one by one (0700), recording each for undo.
Status make_home(const fs::path& home, Undo& undo) {
  std::vector<fs::path> missing;
  for (fs::path p = home; !p.empty(); p = p.parent_path()) {
    std::error_code ec;
    if (fs::exists(p, ec)) break;
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), home_mode) != 0 && errno != EEXIST) {
      return io_error("create the folder", *it, errno);
    }
    undo.dir(*it);
  }
  std::error_code ec;
  if (!fs::is_directory(home, ec)) return io_error("use the folder", home, ENOTDIR);
  // A folder we just made, or an empty one the user made for us, becomes private.
  if (!missing.empty() || fs::is_empty(home, ec)) {
    if (::chmod(home.c_str(), home_mode) != 0) return io_error("protect the folder", home, errno);
  }
  return ok_status();
}

bool exists_no_follow(const fs::path& p) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(p, ec));
}

}  // namespace

Result<Identity> init_home(const fs::path& home_in, InitOptions options, TimePoint now,
                           const FaultHook& fail_at) {
  const fs::path home = home_in.lexically_normal();
  const HomePaths paths = HomePaths::of(home);
  if (exists_no_follow(paths.database) || exists_no_follow(paths.key_file)) {
    return make_error(v1::CODE_REFUSED, "There is already a pairspace device in " +
                                            home.string() + "; nothing was changed.");
  }
  if (options.name.size() > max_name_bytes) {
    return make_error(v1::CODE_USAGE, "That name is longer than " +
                                          std::to_string(max_name_bytes) +
                                          " bytes; please choose a shorter one.");
  }
  if (!valid_utf8(options.name)) {
    return make_error(v1::CODE_USAGE, "That name is not valid UTF-8 text; please choose another.");
  }
  if (options.passphrase && options.passphrase->empty()) {
    return make_error(v1::CODE_USAGE, "The passphrase is empty; please type one (or leave out "
                                      "--passphrase-stdin to use a key file).");
  }
  if (options.name.empty()) options.name = default_device_name();

  Undo undo;
  if (fail_at("create the home folder")) return injected("create the home folder");
  if (auto st = make_home(home, undo); !st) return st.error();

  // Keys: a fresh data key, wrapped by a random key file or by the passphrase.
  Keyring keyring;
  crypto::SecureBytes kek;
  if (options.passphrase) {
    keyring.mode = WrapMode::passphrase;
    keyring.params = default_passphrase_params();
    auto derived = derive_passphrase_key(keyring.params, options.passphrase->span());
    if (!derived) return derived.error();
    kek = std::move(*derived);
  } else {
    kek = crypto::SecureBytes::random(key_encryption_key_bytes);
  }
  const auto dk = crypto::SecureBytes::random(data_key_bytes);
  auto wrapped = crypto::aead_seal(kek, dk.span(), data_key_ad(keyring.mode));
  if (!wrapped) return wrapped.error();
  keyring.wrapped_data_key = std::move(*wrapped);

  auto identity = new_identity(std::move(options.name));
  if (!identity) return identity.error();

  if (keyring.mode == WrapMode::key_file) {
    if (fail_at("write the key file")) return injected("write the key file");
    undo.file(paths.key_file);
    if (auto st = write_key_file(paths.key_file, kek); !st) return st.error();
  }

  if (fail_at("create the store")) return injected("create the store");
  const int fd = ::open(paths.database.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                        database_mode);
  if (fd < 0) return io_error("create the store", paths.database, errno);
  ::close(fd);
  undo.file(paths.database);
  undo.file(fs::path(paths.database.string() + "-wal"));
  undo.file(fs::path(paths.database.string() + "-shm"));
  {
    auto db = sql::Database::open(paths.database.string(),
                                  SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW);
    if (!db) return db.error();
    if (auto st = configure_connection(*db); !st) return st.error();
    if (fail_at("fill the store")) return injected("fill the store");
    if (auto st = create_store(*db, keyring, dk, *identity, now); !st) return st.error();
    if (fail_at("check the store")) return injected("check the store");
    if (auto st = check_open_database(*db, paths.database); !st) return st.error();
  }  // closing checkpoints the WAL into store.db and removes it

  if (fail_at("finish")) return injected("finish");
  const int dir = ::open(home.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
  undo.keep();
  return std::move(*identity);
}

}  // namespace detail

Result<Identity> init_home(const fs::path& home, InitOptions options, TimePoint now) {
  return detail::init_home(home, std::move(options), now, [](std::string_view) { return false; });
}

}  // namespace pairspace::store
