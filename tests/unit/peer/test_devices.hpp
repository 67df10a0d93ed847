#pragma once
// Test identities for the peer layer: real keys from crypto::generate_identity_keys().
#include <cstdint>
#include <string>

#include "crypto/identity_keys.hpp"
#include "peer/pairing.hpp"

namespace pairspace::peer::test {

struct TestDevice {
  std::string name;
  std::uint16_t port = 0;
  crypto::IdentityKeys keys = crypto::generate_identity_keys();

  LocalDevice local() const {
    return LocalDevice{name, keys.sign_public, keys.sign_secret.span(), keys.dh_public,
                       keys.dh_secret.span(), port};
  }
};

inline TestDevice make_device(std::string name, std::uint16_t port) {
  TestDevice device;
  device.name = std::move(name);
  device.port = port;
  return device;
}

}  // namespace pairspace::peer::test
