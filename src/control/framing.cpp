#include "control/framing.hpp"

#include <google/protobuf/message_lite.h>

#include <limits>

namespace pairspace::control {

static_assert(max_message_bytes <= std::numeric_limits<std::uint32_t>::max());

FrameHeader encode_frame_header(std::uint32_t length) {
  return FrameHeader{static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
                     static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
}

Result<std::uint32_t> decode_frame_header(const FrameHeader& header) {
  const std::uint32_t length = (std::uint32_t{header[0]} << 24) | (std::uint32_t{header[1]} << 16) |
                               (std::uint32_t{header[2]} << 8) | std::uint32_t{header[3]};
  if (length > max_message_bytes) {
    return make_error(v1::CODE_USAGE, "A control message of " + std::to_string(length) +
                                          " bytes is larger than the 1 MiB limit.");
  }
  return length;
}

Result<std::string> encode_frame(const google::protobuf::MessageLite& message) {
  const std::size_t size = message.ByteSizeLong();
  if (size > max_message_bytes) {
    return make_error(v1::CODE_USAGE,
                      "This request is too large to send (over 1 MiB); please make it smaller.");
  }
  const FrameHeader header = encode_frame_header(static_cast<std::uint32_t>(size));
  std::string out(header.begin(), header.end());
  out.resize(frame_header_bytes + size);
  if (!message.SerializeToArray(out.data() + frame_header_bytes, static_cast<int>(size))) {
    return make_error(v1::CODE_USAGE, "This message could not be encoded.");
  }
  return out;
}

Result<std::optional<FrameSlice>> split_frame(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < frame_header_bytes) return std::optional<FrameSlice>{};
  FrameHeader header{};
  std::copy_n(bytes.begin(), frame_header_bytes, header.begin());
  auto length = decode_frame_header(header);
  if (!length) return length.error();
  if (bytes.size() - frame_header_bytes < *length) return std::optional<FrameSlice>{};
  return std::optional<FrameSlice>{
      FrameSlice{bytes.subspan(frame_header_bytes, *length), frame_header_bytes + *length}};
}

}  // namespace pairspace::control
