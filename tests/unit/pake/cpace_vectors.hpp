#pragma once
// Reads tests/data/cpace_ristretto255.txt at runtime: the draft's test-vector text
// (labelled hex blocks such as "ISK result: (length: 64 bytes)" followed by hex lines,
// and inline inputs such as "PRS = b'Password'") and the testvectors.json part.
// Expected values come only from that file, never from this source.
#include <cctype>
#include <cstdint>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pairspace::pake::test {

using Bytes = std::vector<std::uint8_t>;

inline std::string trim(const std::string& s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])) != 0) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])) != 0) --e;
  return s.substr(b, e - b);
}

inline bool is_hex(const std::string& s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

inline Bytes from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0 || (!hex.empty() && !is_hex(hex))) {
    throw std::runtime_error("bad hex in vector file: " + hex);
  }
  Bytes out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// Decodes the body of a Python bytes literal (between b' and '): plain characters
// and \xHH escapes, which is all the vector file uses.
inline Bytes from_py_bytes(const std::string& body) {
  Bytes out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 3 < body.size() && body[i + 1] == 'x') {
      out.push_back(static_cast<std::uint8_t>(std::stoul(body.substr(i + 2, 2), nullptr, 16)));
      i += 3;
    } else {
      out.push_back(static_cast<std::uint8_t>(body[i]));
    }
  }
  return out;
}

class CpaceVectors {
 public:
  explicit CpaceVectors(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    m_raw = ss.str();
    const std::size_t json_head = m_raw.find("## JSON");
    if (json_head == std::string::npos) throw std::runtime_error("no JSON part");
    m_json = nlohmann::json::parse(m_raw.substr(m_raw.find('{', json_head)));
    parse_text(m_raw.substr(0, json_head));
  }

  // The occurrence-th hex block whose label equals label (labels lose a trailing ':').
  Bytes block(const std::string& label, std::size_t occurrence = 0) const {
    for (const auto& [name, bytes] : m_blocks) {
      if (name == label && occurrence-- == 0) return bytes;
    }
    throw std::runtime_error("no block labelled " + label);
  }

  // First inline input "key = value" (e.g. "sid = 7e4b..."), value as written.
  std::string input(const std::string& key) const {
    for (const auto& [name, value] : m_inputs) {
      if (name == key) return value;
    }
    throw std::runtime_error("no input " + key);
  }
  // First inline input for key whose value is hex.
  Bytes input_hex(const std::string& key) const {
    for (const auto& [name, value] : m_inputs) {
      if (name == key && is_hex(value)) return from_hex(value);
    }
    throw std::runtime_error("no hex input " + key);
  }
  // First inline input for key written as a Python bytes literal b'...'.
  Bytes input_literal(const std::string& key) const {
    static const std::regex literal(R"(^b'([^']*)')");
    for (const auto& [name, value] : m_inputs) {
      std::smatch m;
      if (name == key && std::regex_search(value, m, literal)) return from_py_bytes(m[1]);
    }
    throw std::runtime_error("no literal input " + key);
  }

  const std::string& raw() const { return m_raw; }
  Bytes json_hex(const nlohmann::json& node) const { return from_hex(node.get<std::string>()); }
  const nlohmann::json& suite() const { return m_json.at("G_Coffee25519"); }
  const nlohmann::json& points() const { return m_json.at("G_Coffee25519_points"); }

 private:
  void parse_text(const std::string& text) {
    static const std::regex length_re(R"(\(length: (\d+) bytes\))");
    static const std::regex input_re(R"(^\s*([A-Za-z]+) = (.*)$)");
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);

    std::string previous;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string& line = lines[i];
      std::smatch m;
      if (std::regex_search(line, m, length_re)) {
        std::string label = trim(line.substr(0, static_cast<std::size_t>(m.position(0))));
        if (label.empty()) label = previous;
        if (!label.empty() && label.back() == ':') label.pop_back();
        const std::size_t want = 2 * std::stoul(m[1]);
        std::string hex;
        while (hex.size() < want && i + 1 < lines.size() && is_hex(trim(lines[i + 1]))) {
          hex += trim(lines[++i]);
        }
        if (hex.size() != want) throw std::runtime_error("short hex block for " + label);
        m_blocks.emplace_back(trim(label), from_hex(hex));
        previous.clear();
        continue;
      }
      if (std::regex_search(line, m, input_re)) m_inputs.emplace_back(m[1], trim(m[2]));
      if (!trim(line).empty()) previous = trim(line);
    }
  }

  std::string m_raw;
  nlohmann::json m_json;
  std::vector<std::pair<std::string, Bytes>> m_blocks;
  std::vector<std::pair<std::string, std::string>> m_inputs;
};

inline const CpaceVectors& vectors() {
  static const CpaceVectors v(std::string(PAIRSPACE_TEST_DATA) + "/cpace_ristretto255.txt");
  return v;
}

}  // namespace pairspace::pake::test
