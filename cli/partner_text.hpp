#pragma once
// How the partner and pairing outcomes read for a person: shared by `pair`, `peer`,
// `status` and `daemon status`.
#include <string>

#include "pairspace.pb.h"

namespace pairspace::cli {

// "connected now" / "last seen 19:40" / "not seen since pairing".
std::string connection_text(const v1::PeerInfo& partner);

// The lines after a successful pairing: "Paired with <name>." and the safety number with
// the advice to compare it.
std::string paired_text(const v1::PeerInfo& partner);

// "Compare this number with the one on your partner's screen: 12345 ..."
std::string safety_number_advice(const v1::PeerInfo& partner);

// The partner's details as `pairspace peer` prints them.
std::string peer_details(const v1::PeerInfo& partner);

// "Not paired yet ..." with the next step, for a NOT_READY answer without a sentence.
std::string not_paired_sentence();

}  // namespace pairspace::cli
