#pragma once
// Helpers for store tests: a private temporary home, file hashes and raw byte scans.
#include <gtest/gtest.h>
#include <sodium.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace pairspace::store::testing {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "pairspace-store-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

inline std::vector<std::uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const fs::path& p, const std::vector<std::uint8_t>& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

inline std::string hash_file(const fs::path& p) {
  const auto data = read_bytes(p);
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, data.data(), data.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex) + ":" + std::to_string(data.size());
}

inline bool file_contains(const fs::path& p, std::string_view needle) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return false;
  const auto data = read_bytes(p);
  return std::search(data.begin(), data.end(), needle.begin(), needle.end(),
                     [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); }) !=
         data.end();
}

inline bool file_contains(const fs::path& p, const std::vector<std::uint8_t>& needle) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return false;
  const auto data = read_bytes(p);
  return std::search(data.begin(), data.end(), needle.begin(), needle.end()) != data.end();
}

inline std::chrono::system_clock::time_point at_ms(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

// An in-memory store (unlocked), made at t = 0.
inline std::unique_ptr<Store> memory_store(std::string_view name = "me") {
  auto store = Store::open_in_memory(name, at_ms(0));
  EXPECT_TRUE(store.ok());
  return std::move(store).value();
}

inline unsigned mode_of(const fs::path& p) {
  return static_cast<unsigned>(fs::status(p).permissions()) & 0777u;
}

}  // namespace pairspace::store::testing
