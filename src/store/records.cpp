// Sealed records: the identity, time conversions, text checks, and the creation of a
// fresh store's rows.
#include <unistd.h>

#include <array>
#include <cstring>

#include "crypto/aead.hpp"
#include "crypto/identity_keys.hpp"
#include "store/store_impl.hpp"

namespace pairspace::store::detail {
namespace {

constexpr std::size_t host_name_bytes = 256;
constexpr std::string_view fallback_name = "pairspace device";

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void wipe_string(std::string* s) {
  if (s != nullptr && !s->empty()) crypto::wipe(s->data(), s->size());
}

void wipe_record(v1::IdentityRecord& record) {
  wipe_string(record.mutable_name());
  wipe_string(record.mutable_sign_secret());
  wipe_string(record.mutable_dh_secret());
}

Error damaged_identity() {
  return make_error(v1::CODE_STORE,
                    "This device's identity record could not be read: the store was changed "
                    "outside pairspace or is damaged. Nothing was changed; if you have a backup, "
                    "restore it.");
}

}  // namespace

std::int64_t to_ms(TimePoint t) {
  return std::chrono::floor<std::chrono::milliseconds>(t).time_since_epoch().count();
}

TimePoint from_ms(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

std::string default_device_name() {
  std::array<char, host_name_bytes + 1> buffer{};
  if (::gethostname(buffer.data(), host_name_bytes) != 0 || buffer[0] == '\0') {
    return std::string(fallback_name);
  }
  std::string name(buffer.data());
  if (!valid_utf8(name)) return std::string(fallback_name);
  return name;
}

Result<Identity> new_identity(std::string name) {
  auto keys = crypto::generate_identity_keys();
  Identity identity;
  identity.name = std::move(name);
  identity.sign_public = keys.sign_public;
  identity.dh_public = keys.dh_public;
  identity.sign_secret = std::move(keys.sign_secret);
  identity.dh_secret = std::move(keys.dh_secret);
  identity.device_id = crypto::device_id_of(identity.sign_public);
  return identity;
}

Result<std::vector<std::uint8_t>> seal_identity(const crypto::SecureBytes& data_key,
                                                const Identity& identity, TimePoint created) {
  v1::IdentityRecord record;
  record.set_name(identity.name);
  record.set_sign_public(identity.sign_public.data(), identity.sign_public.size());
  record.set_sign_secret(identity.sign_secret.data(), identity.sign_secret.size());
  record.set_dh_public(identity.dh_public.data(), identity.dh_public.size());
  record.set_dh_secret(identity.dh_secret.data(), identity.dh_secret.size());
  const auto since_epoch = created.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  record.mutable_created_at()->set_seconds(seconds.count());
  record.mutable_created_at()->set_nanos(static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count()));
  crypto::SecureBytes plain(record.ByteSizeLong());
  const bool serialised = record.SerializeToArray(plain.data(), static_cast<int>(plain.size()));
  wipe_record(record);
  if (!serialised) return damaged_identity();
  return crypto::aead_seal(data_key, plain.span(), identity_ad());
}

Result<Identity> open_identity(const crypto::SecureBytes& data_key,
                               std::span<const std::uint8_t> sealed) {
  auto plain = crypto::aead_open(data_key, sealed, identity_ad());
  if (!plain) return damaged_identity();
  v1::IdentityRecord record;
  const bool parsed = record.ParseFromArray(plain->data(), static_cast<int>(plain->size()));
  if (!parsed || record.sign_public().size() != crypto::sign_public_bytes ||
      record.sign_secret().size() != crypto::sign_secret_bytes ||
      record.dh_public().size() != crypto::dh_public_bytes ||
      record.dh_secret().size() != crypto::dh_secret_bytes) {
    wipe_record(record);
    return damaged_identity();
  }
  Identity identity;
  identity.name = record.name();
  std::memcpy(identity.sign_public.data(), record.sign_public().data(), crypto::sign_public_bytes);
  std::memcpy(identity.dh_public.data(), record.dh_public().data(), crypto::dh_public_bytes);
  identity.sign_secret = crypto::SecureBytes(bytes_of(record.sign_secret()));
  identity.dh_secret = crypto::SecureBytes(bytes_of(record.dh_secret()));
  identity.device_id = crypto::device_id_of(identity.sign_public);
  wipe_record(record);
  return identity;
}

Status create_store(sql::Database& db, const Keyring& keyring,
                    const crypto::SecureBytes& data_key, const Identity& identity, TimePoint now) {
  auto sealed = seal_identity(data_key, identity, now);
  if (!sealed) return sealed.error();
  sql::Transaction tx(db);
  if (!tx.begun()) return tx.begun().error();
  if (auto st = db.exec("PRAGMA application_id = " + std::to_string(application_id)); !st) {
    return st.error();
  }
  // Every step up to the current schema, inside this one transaction.
  for (const auto& step : migrations()) {
    if (step.from >= schema_version) continue;
    if (auto st = step.apply(db); !st) return st.error();
  }
  if (auto st = db.exec("PRAGMA user_version = " + std::to_string(schema_version)); !st) {
    return st.error();
  }
  if (auto st = insert_keyring(db, keyring); !st) return st.error();
  auto stmt = db.prepare("INSERT INTO identity (id, created_at_ms, sealed) VALUES (1, ?, ?)");
  if (!stmt) return stmt.error();
  stmt->bind(1, to_ms(now)).bind(2, std::span<const std::uint8_t>(*sealed));
  if (auto st = stmt->run(); !st) return st.error();
  return tx.commit();
}

}  // namespace pairspace::store::detail
