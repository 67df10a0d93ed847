// The key hierarchy: KEK (key file or Argon2id of a passphrase) wraps the data key (DK);
// the DK seals every record. See docs/storage.md.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "crypto/aead.hpp"
#include "store/store_impl.hpp"

namespace pairspace::store {
namespace detail {
namespace {

constexpr std::string_view ad_prefix = "pairspace/v1/";
constexpr std::uint64_t max_opslimit = 64;               // far above any sane default
constexpr std::uint64_t max_memlimit = 4ULL << 30;       // 4 GiB
constexpr mode_t key_file_mode = 0600;

std::string errno_text() { return std::strerror(errno); }

Status write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(v1::CODE_STORE, "pairspace could not write its key file (" +
                                            errno_text() + ").");
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return ok_status();
}

}  // namespace

std::string data_key_ad(WrapMode mode) {
  return std::string(ad_prefix) + "data-key/" +
         (mode == WrapMode::key_file ? "key-file" : "passphrase");
}

std::string identity_ad() { return std::string(ad_prefix) + "identity/1"; }

std::string journal_ad(std::int64_t id, std::int64_t created_at_ms) {
  return std::string(ad_prefix) + "journal/" + std::to_string(id) + "/" +
         std::to_string(created_at_ms);
}

std::string partner_ad(std::span<const std::uint8_t> pairing_id, std::string_view part) {
  static constexpr char hex_digits[] = "0123456789abcdef";
  std::string ad = std::string(ad_prefix) + "partner/";
  for (const auto b : pairing_id) {
    ad += hex_digits[b >> 4];
    ad += hex_digits[b & 0x0Fu];
  }
  ad += '/';
  ad += part;
  return ad;
}

PassphraseParams default_passphrase_params() {
  crypto::ensure_sodium();
  PassphraseParams params;
  randombytes_buf(params.salt.data(), params.salt.size());
  params.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  params.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  return params;
}

bool passphrase_params_plausible(const PassphraseParams& params) {
  return params.opslimit >= crypto_pwhash_OPSLIMIT_MIN && params.opslimit <= max_opslimit &&
         params.memlimit >= crypto_pwhash_MEMLIMIT_MIN && params.memlimit <= max_memlimit;
}

Result<Keyring> read_keyring(sql::Database& db) {
  auto stmt = db.prepare(
      "SELECT mode, kdf_salt, kdf_opslimit, kdf_memlimit, wrapped_data_key "
      "FROM keyring WHERE id = 1");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  const Error damaged = make_error(
      v1::CODE_STORE, "The store's key record is missing or damaged, so it cannot be opened. "
                      "Nothing was changed; if you have a backup, restore it.");
  if (!*row) return damaged;
  Keyring keyring;
  const std::string mode = stmt->column_text(0);
  const auto wrapped = stmt->column_blob(4);
  keyring.wrapped_data_key.assign(wrapped.begin(), wrapped.end());
  if (mode == "key-file") {
    keyring.mode = WrapMode::key_file;
  } else if (mode == "passphrase") {
    keyring.mode = WrapMode::passphrase;
    const auto salt = stmt->column_blob(1);
    if (salt.size() != keyring.params.salt.size()) return damaged;
    std::memcpy(keyring.params.salt.data(), salt.data(), salt.size());
    const std::int64_t ops = stmt->column_int64(2);
    const std::int64_t mem = stmt->column_int64(3);
    if (ops <= 0 || mem <= 0) return damaged;
    keyring.params.opslimit = static_cast<std::uint64_t>(ops);
    keyring.params.memlimit = static_cast<std::uint64_t>(mem);
    if (!passphrase_params_plausible(keyring.params)) return damaged;
  } else {
    return damaged;
  }
  if (keyring.wrapped_data_key.size() != data_key_bytes + crypto::aead_overhead_bytes) {
    return damaged;
  }
  return keyring;
}

Status insert_keyring(sql::Database& db, const Keyring& keyring) {
  auto stmt = db.prepare(
      "INSERT INTO keyring (id, mode, kdf_salt, kdf_opslimit, kdf_memlimit, wrapped_data_key) "
      "VALUES (1, ?, ?, ?, ?, ?)");
  if (!stmt) return stmt.error();
  if (keyring.mode == WrapMode::passphrase) {
    stmt->bind(1, std::string_view("passphrase"))
        .bind(2, std::span<const std::uint8_t>(keyring.params.salt))
        .bind(3, static_cast<std::int64_t>(keyring.params.opslimit))
        .bind(4, static_cast<std::int64_t>(keyring.params.memlimit));
  } else {
    stmt->bind(1, std::string_view("key-file"));  // 2..4 stay NULL
  }
  stmt->bind(5, std::span<const std::uint8_t>(keyring.wrapped_data_key));
  return stmt->run();
}

Status write_key_file(const fs::path& path, const crypto::SecureBytes& key_encryption_key) {
  std::string temp = path.string() + ".tmp-XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);  // creates the file 0600
  if (fd < 0) {
    return make_error(v1::CODE_STORE, "pairspace could not create its key file in " +
                                          path.parent_path().string() + " (" + errno_text() +
                                          ").");
  }
  Status st = ok_status();
  if (::fchmod(fd, key_file_mode) != 0) {
    st = make_error(v1::CODE_STORE, "pairspace could not protect its key file (" +
                                        errno_text() + ").");
  }
  if (st) {
    st = write_all(fd, reinterpret_cast<const std::uint8_t*>(key_file_magic.data()),
                   key_file_magic.size());
  }
  if (st) st = write_all(fd, key_encryption_key.data(), key_encryption_key.size());
  if (st && ::fsync(fd) != 0) {
    st = make_error(v1::CODE_STORE, "pairspace could not save its key file to disk (" +
                                        errno_text() + ").");
  }
  ::close(fd);
  if (st && ::rename(temp.c_str(), path.c_str()) != 0) {
    st = make_error(v1::CODE_STORE, "pairspace could not put its key file in place (" +
                                        errno_text() + ").");
  }
  if (!st) {
    ::unlink(temp.c_str());
    return st;
  }
  const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
  return ok_status();
}

Result<crypto::SecureBytes> read_key_file(const HomePaths& paths,
                                          std::vector<std::string>& warnings) {
  const std::string name = paths.key_file.string();
  const int fd = ::open(paths.key_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) {
      return make_error(v1::CODE_STORE,
                        "The key file " + name + " is missing, so the store in " +
                            paths.home.string() +
                            " cannot be opened. It was left untouched; if you have a copy of "
                            "that key file, put it back.");
    }
    return make_error(v1::CODE_STORE, "pairspace could not read its key file " + name + " (" +
                                          errno_text() + "). Nothing was changed.");
  }
  const std::size_t expected = key_file_magic.size() + key_encryption_key_bytes;
  struct stat info {};
  crypto::SecureBytes raw(expected);
  ssize_t got = -1;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
      static_cast<std::uint64_t>(info.st_size) == expected) {
    got = ::pread(fd, raw.data(), raw.size(), 0);
  }
  ::close(fd);
  if (got != static_cast<ssize_t>(expected) ||
      std::memcmp(raw.data(), key_file_magic.data(), key_file_magic.size()) != 0) {
    return make_error(v1::CODE_STORE, "The key file " + name +
                                          " is not a pairspace key file (or it is damaged). "
                                          "Nothing was changed; if you have a copy, put it back.");
  }
  if ((info.st_mode & 077) != 0) {
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", info.st_mode & 07777);
    warnings.push_back("The key file " + name + " can be read by other users (mode " + octal +
                       "); run `chmod 600 " + name + "` to keep it private.");
  }
  return crypto::SecureBytes(raw.span().subspan(key_file_magic.size()));
}

}  // namespace detail

Result<crypto::SecureBytes> derive_passphrase_key(const PassphraseParams& params,
                                                  std::span<const std::uint8_t> passphrase) {
  crypto::ensure_sodium();
  if (!detail::passphrase_params_plausible(params)) {
    return make_error(v1::CODE_STORE,
                      "The store's passphrase settings are out of range, so they were not used. "
                      "Nothing was changed.");
  }
  crypto::SecureBytes key(detail::key_encryption_key_bytes);
  if (crypto_pwhash(key.data(), key.size(), reinterpret_cast<const char*>(passphrase.data()),
                    passphrase.size(), params.salt.data(), params.opslimit,
                    static_cast<std::size_t>(params.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(v1::CODE_STORE,
                      "There was not enough memory to check the passphrase; close some programs "
                      "and try again. Nothing was changed.");
  }
  return key;
}

}  // namespace pairspace::store
