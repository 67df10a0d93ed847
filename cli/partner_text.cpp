#include "partner_text.hpp"

#include <chrono>
#include <sstream>

#include "output.hpp"
#include "util/timeparse.hpp"

namespace pairspace::cli {

namespace {

std::string display_name(const v1::PeerInfo& partner) {
  return partner.name().empty() ? std::string("your partner") : partner.name();
}

}  // namespace

std::string connection_text(const v1::PeerInfo& partner) {
  if (partner.connected()) return "connected now";
  if (!partner.has_last_seen()) return "not seen since pairing";
  const auto now = std::chrono::system_clock::now();
  return "last seen " + util::format_local(from_timestamp(partner.last_seen()), now);
}

std::string safety_number_advice(const v1::PeerInfo& partner) {
  return "Compare this number with the one on your partner's screen: " + partner.safety_number() +
         "\nIf the two are the same, nobody sat in between. If they differ, run "
         "`pairspace peer forget` on both devices and pair again.";
}

std::string paired_text(const v1::PeerInfo& partner) {
  return "Paired with " + display_name(partner) + ".\n" + safety_number_advice(partner);
}

std::string peer_details(const v1::PeerInfo& partner) {
  std::ostringstream out;
  out << "Your partner: " << display_name(partner) << '\n';
  out << "  device id      " << partner.device_id() << '\n';
  out << "  safety number  " << partner.safety_number() << '\n';
  out << "  address        " << (partner.address().empty() ? std::string("(not known yet)") : partner.address())
      << '\n';
  out << "  connection     " << connection_text(partner) << '\n';
  if (partner.has_paired_at()) {
    out << "  paired         " << local_minutes(from_timestamp(partner.paired_at())) << '\n';
  }
  return out.str();
}

std::string not_paired_sentence() {
  return "Not paired yet. Pair with `pairspace pair invite` on one device and `pairspace pair join` "
         "on the other.";
}

}  // namespace pairspace::cli
