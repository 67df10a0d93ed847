#pragma once
// Reading what a person or a script pipes in: journal text and passphrases.
#include <cstddef>
#include <string>

#include "crypto/secure.hpp"
#include "util/result.hpp"

namespace pairspace::cli {

constexpr std::size_t max_passphrase_bytes = 1024;
constexpr std::size_t max_address_bytes = 300;  // a partner address given with --peer / peer set-address

bool stdin_is_terminal();

// All of stdin (up to max_bytes, else CODE_USAGE), with trailing newlines removed.
Result<std::string> read_stdin_text(std::size_t max_bytes);

// One passphrase from stdin, straight into secure memory; the trailing newline is
// dropped and an empty one is refused. On a terminal it asks without echoing.
Result<crypto::SecureBytes> read_passphrase();

}  // namespace pairspace::cli
