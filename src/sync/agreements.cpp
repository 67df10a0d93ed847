#include "sync/agreements.hpp"

#include <vector>

namespace pairspace::sync {
namespace {

bool same_id(std::string_view stored, std::string_view asked) {
  if (stored.size() != asked.size()) return false;
  for (std::size_t i = 0; i < stored.size(); ++i) {
    char c = asked[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != stored[i]) return false;
  }
  return true;
}

bool is_open(const v1::AgreementEntry& a) {
  return a.state() == v1::AGREEMENT_STATE_PROPOSED || a.state() == v1::AGREEMENT_STATE_ACTIVE;
}

std::string closed_sentence(const v1::AgreementEntry& a) {
  switch (a.state()) {
    case v1::AGREEMENT_STATE_DECLINED: return "Agreement " + a.id() + " was declined, so it is closed.";
    case v1::AGREEMENT_STATE_REVOKED: return "Agreement " + a.id() + " was revoked, so it is closed.";
    case v1::AGREEMENT_STATE_SUPERSEDED:
      return "Agreement " + a.id() + " was replaced by an amendment; see `pairspace agree list`.";
    default: return "Agreement " + a.id() + " is closed.";
  }
}

}  // namespace

Result<const v1::AgreementEntry*> find_agreement(const v1::SharedState& state, std::string_view id) {
  std::vector<const v1::AgreementEntry*> found;
  for (const auto& a : state.agreements()) {
    if (same_id(a.id(), id)) found.push_back(&a);
  }
  if (found.empty()) {
    return make_error(v1::CODE_USAGE, "There is no agreement '" + std::string(id) +
                                          "'; `pairspace agree list --all` shows their ids.");
  }
  if (found.size() == 1) return found.front();
  const v1::AgreementEntry* open = nullptr;
  for (const auto* a : found) {
    if (!is_open(*a)) continue;
    if (open != nullptr) {
      return make_error(v1::CODE_USAGE, "Two open agreements share the id '" + std::string(id) +
                                            "'; please revoke one of them from the list.");
    }
    open = a;
  }
  return open != nullptr ? open : found.back();
}

Result<const v1::AgreementEntry*> check_can_respond(const v1::SharedState& state,
                                                    const PublicKey& self, std::string_view id) {
  auto found = find_agreement(state, id);
  if (!found) return found;
  const auto* a = *found;
  if (a->proposer() == to_bytes(self)) {
    return make_error(v1::CODE_REFUSED, "You proposed agreement " + a->id() +
                                            " yourself; it becomes active when your partner "
                                            "accepts it.");
  }
  if (a->state() == v1::AGREEMENT_STATE_ACTIVE) {
    return make_error(v1::CODE_REFUSED, "Agreement " + a->id() + " is already active.");
  }
  if (a->state() != v1::AGREEMENT_STATE_PROPOSED) return make_error(v1::CODE_REFUSED, closed_sentence(*a));
  return a;
}

Result<const v1::AgreementEntry*> check_can_revoke(const v1::SharedState& state,
                                                   std::string_view id) {
  auto found = find_agreement(state, id);
  if (!found) return found;
  if (!is_open(**found)) return make_error(v1::CODE_REFUSED, closed_sentence(**found));
  return found;
}

}  // namespace pairspace::sync
