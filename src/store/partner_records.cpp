// The partner row's two sealed boxes and the checks on what goes into them.
//
// Plaintext layouts (all integers big-endian, strings as u16 length || UTF-8 bytes):
//   record  = version(1) || sign_public[32] || dh_public[32] || paired_at_ms i64
//             || name || safety_number
//   contact = version(1) || has_last_seen u8 (0/1) || last_seen_ms i64 || address
// Each is sealed with the data key; the AD names the box and the row's random pairing id.
#include <cstring>

#include "crypto/aead.hpp"
#include "crypto/identity_keys.hpp"
#include "store/store_impl.hpp"

namespace pairspace::store::detail {
namespace {

constexpr std::uint8_t record_version = 1;
constexpr std::size_t max_name_bytes = 100;           // as PairProof.name
constexpr std::size_t max_address_bytes = 300;        // "[IPv6]:port" or a 253-byte host name
constexpr std::size_t max_safety_number_bytes = 100;  // 8 groups of 5 digits need 47
constexpr std::size_t key_bytes = 32;
constexpr std::size_t i64_bytes = 8;
constexpr std::size_t length_bytes = 2;

// Writes into a buffer in secure memory, sized exactly beforehand.
class Writer {
 public:
  explicit Writer(std::size_t size) : m_buffer(size) {}
  void byte(std::uint8_t b) { m_buffer.data()[m_at++] = b; }
  void bytes(std::span<const std::uint8_t> b) {
    if (!b.empty()) std::memcpy(m_buffer.data() + m_at, b.data(), b.size());
    m_at += b.size();
  }
  void i64(std::int64_t v) {
    const auto u = static_cast<std::uint64_t>(v);
    for (int shift = 56; shift >= 0; shift -= 8) byte(static_cast<std::uint8_t>(u >> shift));
  }
  void text(std::string_view s) {
    byte(static_cast<std::uint8_t>(s.size() >> 8));
    byte(static_cast<std::uint8_t>(s.size() & 0xFFu));
    bytes({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
  }
  crypto::SecureBytes& buffer() { return m_buffer; }

 private:
  crypto::SecureBytes m_buffer;
  std::size_t m_at = 0;
};

// Reads from a decrypted box; any short read makes ok() false.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> data) : m_data(data) {}
  bool ok() const { return m_ok; }
  bool done() const { return m_ok && m_at == m_data.size(); }
  std::uint8_t byte() {
    if (!take(1)) return 0;
    return m_data[m_at - 1];
  }
  void bytes(std::span<std::uint8_t> out) {
    if (take(out.size())) std::memcpy(out.data(), m_data.data() + m_at - out.size(), out.size());
  }
  std::int64_t i64() {
    std::uint64_t u = 0;
    for (std::size_t i = 0; i < i64_bytes; ++i) u = (u << 8) | byte();
    return static_cast<std::int64_t>(u);
  }
  std::string text() {
    const std::size_t high = byte();  // two statements: operands of | are unsequenced
    const std::size_t size = (high << 8) | byte();
    if (!take(size)) return {};
    return {reinterpret_cast<const char*>(m_data.data() + m_at - size), size};
  }

 private:
  bool take(std::size_t n) {
    if (!m_ok || m_data.size() - m_at < n) {
      m_ok = false;
      return false;
    }
    m_at += n;
    return true;
  }
  std::span<const std::uint8_t> m_data;
  std::size_t m_at = 0;
  bool m_ok = true;
};

Error damaged_partner() {
  return make_error(v1::CODE_STORE,
                    "The partner record in this device's store could not be read: the store was "
                    "changed outside pairspace or is damaged. Nothing was changed; pairing again "
                    "(after `pairspace peer forget`) will replace it.");
}

bool all_zero(const std::array<std::uint8_t, key_bytes>& key) {
  std::uint8_t acc = 0;
  for (const auto b : key) acc = static_cast<std::uint8_t>(acc | b);
  return acc == 0;
}

void wipe_string(std::string& s) {
  if (!s.empty()) crypto::wipe(s.data(), s.size());
}

}  // namespace

Status check_partner_address(std::string_view address) {
  if (address.size() > max_address_bytes || !valid_utf8(address)) {
    return make_error(v1::CODE_USAGE, "That partner address is not a usable HOST:PORT (at most " +
                                          std::to_string(max_address_bytes) + " bytes of text).");
  }
  return ok_status();
}

Status check_partner_fields(const Partner& p) {
  if (p.name.empty() || p.name.size() > max_name_bytes || !valid_utf8(p.name)) {
    return make_error(v1::CODE_USAGE, "The partner's device name must be 1 to " +
                                          std::to_string(max_name_bytes) +
                                          " bytes of UTF-8 text; nothing was stored.");
  }
  if (all_zero(p.sign_public) || all_zero(p.dh_public)) {
    return make_error(v1::CODE_USAGE,
                      "The partner's public keys are missing; nothing was stored.");
  }
  if (!p.device_id.empty() && p.device_id != crypto::device_id_of(p.sign_public)) {
    return make_error(v1::CODE_USAGE,
                      "The partner's device id does not match its signing key; nothing was "
                      "stored.");
  }
  if (p.safety_number.size() > max_safety_number_bytes || !valid_utf8(p.safety_number)) {
    return make_error(v1::CODE_USAGE, "The safety number is not valid; nothing was stored.");
  }
  return check_partner_address(p.address);
}

Result<std::vector<std::uint8_t>> seal_partner_record(const crypto::SecureBytes& data_key,
                                                      std::span<const std::uint8_t> pairing_id,
                                                      const Partner& p) {
  Writer w(1 + 2 * key_bytes + i64_bytes + length_bytes + p.name.size() + length_bytes +
           p.safety_number.size());
  w.byte(record_version);
  w.bytes(p.sign_public);
  w.bytes(p.dh_public);
  w.i64(to_ms(p.paired_at));
  w.text(p.name);
  w.text(p.safety_number);
  return crypto::aead_seal(data_key, w.buffer().span(), partner_ad(pairing_id, "record"));
}

Result<std::vector<std::uint8_t>> seal_partner_contact(const crypto::SecureBytes& data_key,
                                                       std::span<const std::uint8_t> pairing_id,
                                                       std::string_view address,
                                                       std::optional<TimePoint> last_seen) {
  Writer w(1 + 1 + i64_bytes + length_bytes + address.size());
  w.byte(record_version);
  w.byte(last_seen ? 1 : 0);
  w.i64(last_seen ? to_ms(*last_seen) : 0);
  w.text(address);
  return crypto::aead_seal(data_key, w.buffer().span(), partner_ad(pairing_id, "contact"));
}

Result<Partner> open_partner_record(const crypto::SecureBytes& data_key,
                                    std::span<const std::uint8_t> pairing_id,
                                    std::span<const std::uint8_t> sealed) {
  auto plain = crypto::aead_open(data_key, sealed, partner_ad(pairing_id, "record"));
  if (!plain) return damaged_partner();
  Reader r(plain->span());
  Partner p;
  const auto version = r.byte();
  r.bytes(p.sign_public);
  r.bytes(p.dh_public);
  p.paired_at = from_ms(r.i64());
  p.name = r.text();
  p.safety_number = r.text();
  if (version != record_version || !r.done()) {
    wipe_string(p.name);
    wipe_string(p.safety_number);
    return damaged_partner();
  }
  p.device_id = crypto::device_id_of(p.sign_public);
  return p;
}

Status open_partner_contact(const crypto::SecureBytes& data_key,
                            std::span<const std::uint8_t> pairing_id,
                            std::span<const std::uint8_t> sealed, Partner& p) {
  auto plain = crypto::aead_open(data_key, sealed, partner_ad(pairing_id, "contact"));
  if (!plain) return damaged_partner();
  Reader r(plain->span());
  const auto version = r.byte();
  const auto has_last_seen = r.byte();
  const auto last_seen_ms = r.i64();
  auto address = r.text();
  if (version != record_version || has_last_seen > 1 || !r.done()) {
    wipe_string(address);
    return damaged_partner();
  }
  p.address = std::move(address);
  p.last_seen = has_last_seen == 1 ? std::optional<TimePoint>(from_ms(last_seen_ms)) : std::nullopt;
  return ok_status();
}

}  // namespace pairspace::store::detail
