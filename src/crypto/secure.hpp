#pragma once
// Secret bytes live in libsodium's guarded memory (sodium_malloc): page-guarded,
// mlock'ed where allowed, and wiped when freed. Move-only.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace pairspace::crypto {

// Initialise libsodium once; safe to call from anywhere, any number of times.
void ensure_sodium();

class SecureBytes {
 public:
  SecureBytes() = default;
  explicit SecureBytes(std::size_t size);
  SecureBytes(std::span<const std::uint8_t> bytes);  // NOLINT: copies into secure memory
  ~SecureBytes();
  SecureBytes(SecureBytes&& other) noexcept;
  SecureBytes& operator=(SecureBytes&& other) noexcept;
  SecureBytes(const SecureBytes&) = delete;
  SecureBytes& operator=(const SecureBytes&) = delete;

  static SecureBytes random(std::size_t size);

  std::uint8_t* data() { return m_data; }
  const std::uint8_t* data() const { return m_data; }
  std::size_t size() const { return m_size; }
  bool empty() const { return m_size == 0; }
  std::span<std::uint8_t> span() { return {m_data, m_size}; }
  std::span<const std::uint8_t> span() const { return {m_data, m_size}; }
  std::string_view view() const;

  // Constant-time equality.
  bool equals(std::span<const std::uint8_t> other) const;

 private:
  std::uint8_t* m_data = nullptr;
  std::size_t m_size = 0;
};

// Wipe any buffer (for temporaries that cannot live in SecureBytes).
void wipe(void* data, std::size_t size);

}  // namespace pairspace::crypto
