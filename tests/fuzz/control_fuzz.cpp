// The control API's framing and messages as a local client could send them (any process of
// the same user can write to the socket), and the daemon's replies as the CLI reads them.
//
// Input: the byte stream on the control socket (4-byte big-endian length, then a message).
// Invariants:
//  - split_frame takes a frame only when it is complete: consumed = 4 + length <= what was
//    there, the payload is exactly those bytes, and a length over 1 MiB is refused from the
//    header alone (CODE_USAGE), never a partial read;
//  - decode_frame_header is the inverse of encode_frame_header for every allowed length;
//  - a Request or Response that parses re-frames with encode_frame into the same header
//    layout, splits back out, and re-parses to identical bytes.
#include <google/protobuf/message_lite.h>

#include "control/framing.hpp"
#include "fuzz_support.hpp"
#include "pairspace.pb.h"

namespace pairspace::fuzz {
namespace {

template <class Message>
void check_message_round_trip(ByteView payload) {
  Message message;
  if (!message.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return;
  const std::string once = message.SerializeAsString();
  Result<std::string> framed = control::encode_frame(message);
  FUZZ_CHECK(framed.ok());
  FUZZ_CHECK(framed->size() == control::frame_header_bytes + once.size());
  Result<std::optional<control::FrameSlice>> slice = control::split_frame(as_bytes(*framed));
  FUZZ_CHECK(slice.ok() && slice->has_value());
  FUZZ_CHECK((*slice)->consumed == framed->size());
  FUZZ_CHECK(as_string((*slice)->payload) == once);
  Message again;
  FUZZ_CHECK(again.ParseFromArray((*slice)->payload.data(),
                                  static_cast<int>((*slice)->payload.size())));
  FUZZ_CHECK(again.SerializeAsString() == once);
}

void check_header(ByteView stream) {
  if (stream.size() < control::frame_header_bytes) return;
  control::FrameHeader header{};
  std::copy_n(stream.begin(), control::frame_header_bytes, header.begin());
  const std::uint64_t announced = (std::uint64_t{header[0]} << 24) | (std::uint64_t{header[1]} << 16) |
                                  (std::uint64_t{header[2]} << 8) | header[3];
  Result<std::uint32_t> length = control::decode_frame_header(header);
  if (announced > control::max_message_bytes) {
    FUZZ_CHECK(!length.ok() && length.error().code == v1::CODE_USAGE);
    return;
  }
  FUZZ_CHECK(length.ok() && *length == announced);
  FUZZ_CHECK(control::encode_frame_header(*length) == header);
}

}  // namespace
}  // namespace pairspace::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pairspace::fuzz::fuzz_init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pairspace;
  using namespace pairspace::fuzz;
  ByteView stream(data, size);
  while (true) {
    check_header(stream);
    Result<std::optional<control::FrameSlice>> slice = control::split_frame(stream);
    if (!slice) {
      FUZZ_CHECK(slice.error().code == v1::CODE_USAGE);
      FUZZ_CHECK(stream.size() >= control::frame_header_bytes);
      break;
    }
    if (!slice->has_value()) {
      // Incomplete: fewer than 4 bytes, or fewer than the header announces.
      if (stream.size() >= control::frame_header_bytes) {
        const std::size_t announced = (std::size_t{stream[0]} << 24) |
                                      (std::size_t{stream[1]} << 16) |
                                      (std::size_t{stream[2]} << 8) | stream[3];
        FUZZ_CHECK(stream.size() - control::frame_header_bytes < announced);
      }
      break;
    }
    const control::FrameSlice& frame = **slice;
    FUZZ_CHECK(frame.consumed == control::frame_header_bytes + frame.payload.size());
    FUZZ_CHECK(frame.consumed <= stream.size());
    FUZZ_CHECK(frame.payload.size() <= control::max_message_bytes);
    FUZZ_CHECK(frame.payload.data() == stream.data() + control::frame_header_bytes);
    check_message_round_trip<v1::Request>(frame.payload);
    check_message_round_trip<v1::Response>(frame.payload);
    stream = stream.subspan(frame.consumed);
  }
  return 0;
}
