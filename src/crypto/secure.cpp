#include "crypto/secure.hpp"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace pairspace::crypto {

void ensure_sodium() {
  static const bool initialised = [] {
    if (sodium_init() < 0) std::abort();  // no randomness source: nothing is safe
    return true;
  }();
  (void)initialised;
}

SecureBytes::SecureBytes(std::size_t size) : m_size(size) {
  ensure_sodium();
  if (size == 0) return;
  m_data = static_cast<std::uint8_t*>(sodium_malloc(size));
  if (m_data == nullptr) throw std::bad_alloc();
  sodium_memzero(m_data, size);
}

SecureBytes::SecureBytes(std::span<const std::uint8_t> bytes) : SecureBytes(bytes.size()) {
  if (!bytes.empty()) std::memcpy(m_data, bytes.data(), bytes.size());
}

SecureBytes::~SecureBytes() {
  if (m_data != nullptr) sodium_free(m_data);  // sodium_free wipes before releasing
}

SecureBytes::SecureBytes(SecureBytes&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)) {}

SecureBytes& SecureBytes::operator=(SecureBytes&& other) noexcept {
  if (this != &other) {
    if (m_data != nullptr) sodium_free(m_data);
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
  }
  return *this;
}

SecureBytes SecureBytes::random(std::size_t size) {
  SecureBytes out(size);
  if (size != 0) randombytes_buf(out.data(), size);
  return out;
}

std::string_view SecureBytes::view() const {
  return {reinterpret_cast<const char*>(m_data), m_size};
}

bool SecureBytes::equals(std::span<const std::uint8_t> other) const {
  if (other.size() != m_size) return false;
  if (m_size == 0) return true;
  return sodium_memcmp(m_data, other.data(), m_size) == 0;
}

void wipe(void* data, std::size_t size) {
  if (data != nullptr && size != 0) sodium_memzero(data, size);
}

}  // namespace pairspace::crypto
