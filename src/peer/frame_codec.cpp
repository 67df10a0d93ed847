#include "peer/frame_codec.hpp"

#include <algorithm>

namespace pairspace::peer {
namespace {

Error framing_error() {
  return make_error(v1::CODE_REFUSED,
                    "The partner's device sent a message that didn't make sense, so the "
                    "connection was closed.");
}

}  // namespace

Result<Bytes> encode_frame(ByteView body) {
  if (body.empty() || body.size() > max_frame_body_bytes) {
    return make_error(v1::CODE_USAGE, "A partner message must be 1 to 65535 bytes long.");
  }
  Bytes out;
  out.reserve(frame_header_bytes + body.size());
  out.push_back(static_cast<std::uint8_t>(body.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(body.size() & 0xff));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Result<std::size_t> FrameDecoder::feed(ByteView data) {
  if (m_failed) return framing_error();
  if (m_complete) return std::size_t{0};
  std::size_t used = 0;
  while (m_header_filled < frame_header_bytes && used < data.size()) {
    m_header[m_header_filled++] = data[used++];
    if (m_header_filled == frame_header_bytes) {
      m_expected = (std::size_t{m_header[0]} << 8) | m_header[1];
      if (m_expected == 0) {
        m_failed = true;
        return framing_error();
      }
      m_body.reserve(m_expected);
    }
  }
  if (m_header_filled < frame_header_bytes) return used;

  const std::size_t take = std::min(m_expected - m_body.size(), data.size() - used);
  const auto first = data.begin() + static_cast<std::ptrdiff_t>(used);
  m_body.insert(m_body.end(), first, first + static_cast<std::ptrdiff_t>(take));
  used += take;
  if (m_body.size() == m_expected) m_complete = true;
  return used;
}

Status FrameDecoder::feed_all(ByteView data, std::vector<Bytes>& bodies) {
  while (true) {
    Result<std::size_t> used = feed(data);
    if (!used) return used.error();
    data = data.subspan(*used);
    if (std::optional<Bytes> body = take_body()) bodies.push_back(std::move(*body));
    if (data.empty()) return ok_status();
  }
}

std::optional<Bytes> FrameDecoder::take_body() {
  if (!m_complete) return std::nullopt;
  Bytes body = std::move(m_body);
  m_body = Bytes{};
  m_header_filled = 0;
  m_expected = 0;
  m_complete = false;
  return body;
}

}  // namespace pairspace::peer
