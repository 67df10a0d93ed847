#pragma once
// Framing of the control API, shared by the CLI's client and the daemon's server:
// a 4-byte big-endian length, then one serialised v1::Request or v1::Response.
// A length above max_message_bytes is refused from the header alone, before any allocation.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "util/result.hpp"

namespace google::protobuf {
class MessageLite;
}

namespace pairspace::control {

// Largest control message either side accepts; checked before any allocation.
constexpr std::size_t max_message_bytes = 1u << 20;  // 1 MiB
constexpr std::size_t frame_header_bytes = 4;

using FrameHeader = std::array<std::uint8_t, frame_header_bytes>;

// The big-endian length prefix for a payload of `length` bytes.
FrameHeader encode_frame_header(std::uint32_t length);

// The payload length announced by a header; CODE_USAGE when it exceeds max_message_bytes.
Result<std::uint32_t> decode_frame_header(const FrameHeader& header);

// Header + serialised message, ready to send; CODE_USAGE when the message is too large.
Result<std::string> encode_frame(const google::protobuf::MessageLite& message);

// One frame found at the front of a byte buffer.
struct FrameSlice {
  std::span<const std::uint8_t> payload;
  std::size_t consumed = 0;  // header + payload
};

// Splits the first frame off `bytes`: nullopt while it is incomplete (truncated input),
// CODE_USAGE when its header announces an oversize payload.
Result<std::optional<FrameSlice>> split_frame(std::span<const std::uint8_t> bytes);

}  // namespace pairspace::control
