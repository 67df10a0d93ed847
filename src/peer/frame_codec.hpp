#pragma once
// Partner TCP framing: every message is u16 big-endian length (1..65535) || body.
// A zero length is invalid. The decoder checks the length before reserving anything and
// holds at most one frame (2 + 65535 bytes); it can be fed any slices, one byte at a time.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "util/result.hpp"

namespace pairspace::peer {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline constexpr std::size_t frame_header_bytes = 2;
inline constexpr std::size_t max_frame_body_bytes = 65535;

// header || body. CODE_USAGE for an empty body or one longer than max_frame_body_bytes.
Result<Bytes> encode_frame(ByteView body);

class FrameDecoder {
 public:
  // Consumes bytes from data until one body is complete or data runs out, and returns how
  // many it consumed (the caller feeds the rest again after take_body()). While a complete
  // body waits to be taken, nothing is consumed. A zero length is CODE_REFUSED and the
  // decoder stays failed: the caller closes the connection.
  Result<std::size_t> feed(ByteView data);

  // Feeds all of data, appending every completed body to bodies.
  Status feed_all(ByteView data, std::vector<Bytes>& bodies);

  bool has_body() const { return m_complete; }
  std::optional<Bytes> take_body();

  bool has_failed() const { return m_failed; }
  // Bytes held for the frame in progress (header and body), at most 2 + 65535.
  std::size_t buffered_bytes() const { return m_header_filled + m_body.size(); }

 private:
  std::uint8_t m_header[frame_header_bytes] = {};
  std::size_t m_header_filled = 0;
  std::size_t m_expected = 0;  // body length, known once the header is complete
  Bytes m_body;
  bool m_complete = false;
  bool m_failed = false;
};

}  // namespace pairspace::peer
