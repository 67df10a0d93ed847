#pragma once
// Text from people and from the partner must be well-formed UTF-8 before it goes into a
// protobuf string field or a sealed record.
#include <string_view>

namespace pairspace::util {

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF, no truncation.
bool valid_utf8(std::string_view text);

}  // namespace pairspace::util
