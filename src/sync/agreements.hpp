#pragma once
// Looking agreements up by their short id, and the checks the CLI layer runs before it
// makes a response or a revocation (the fold applies the same rules; these turn them into
// a clear sentence instead of an op that would be ignored).
#include <string_view>

#include "pairspace.pb.h"
#include "sync/op_codec.hpp"
#include "util/result.hpp"

namespace pairspace::sync {

// By short id (case-insensitive). Unknown: CODE_USAGE. When two agreements share a short
// id (rare: 30 bits), the open one wins; two open ones: CODE_USAGE asking to list them.
Result<const v1::AgreementEntry*> find_agreement(const v1::SharedState& state, std::string_view id);

// `agree accept ID` / `agree decline ID`: only the partner of the proposer, only while
// it is proposed. Otherwise CODE_REFUSED with a sentence.
Result<const v1::AgreementEntry*> check_can_respond(const v1::SharedState& state,
                                                    const PublicKey& self, std::string_view id);
// `agree revoke ID` (either partner) and `agree amend ID` (a proposed or active one).
Result<const v1::AgreementEntry*> check_can_revoke(const v1::SharedState& state,
                                                   std::string_view id);

}  // namespace pairspace::sync
