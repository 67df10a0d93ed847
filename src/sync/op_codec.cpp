#include "sync/op_codec.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "crypto/identity_keys.hpp"
#include "util/utf8.hpp"

namespace pairspace::sync {
namespace {

using util::valid_utf8;

constexpr std::size_t signature_bytes = crypto_sign_BYTES;
constexpr std::int32_t max_space_kind = v1::SPACE_KIND_LIMITED;

bool text_ok(const std::string& text, std::size_t max_bytes) {
  return text.size() <= max_bytes && valid_utf8(text);
}

bool ref_ok(const std::string& ref, bool optional) {
  return ref.size() == Hash{}.size() || (optional && ref.empty());
}

std::string check_body(const v1::Op& op, bool require_body) {
  switch (op.body_case()) {
    case v1::Op::kSetStatus: {
      const auto& b = op.set_status();
      if (b.state() != v1::SPACE_STATE_NEED_SPACE && b.state() != v1::SPACE_STATE_BACK) {
        return "a status that is neither 'need space' nor 'back'";
      }
      if (b.kind() < 0 || b.kind() > max_space_kind) return "an unknown kind of space";
      if (!text_ok(b.note(), max_text_bytes)) return "a status note that is too long or not UTF-8";
      if (b.until_ms() < 0) return "an end time before 1970";
      if (b.until_ms() > max_time_ms) return "an end time after 2200";
      return {};
    }
    case v1::Op::kAcknowledge:
      if (op.acknowledge().status_seq() == 0) return "an acknowledgement of no status";
      if (!text_ok(op.acknowledge().note(), max_text_bytes)) return "an acknowledgement note that is too long or not UTF-8";
      return {};
    case v1::Op::kPropose: {
      const auto& b = op.propose();
      if (b.kind() != v1::AGREEMENT_KIND_CHECKIN && b.kind() != v1::AGREEMENT_KIND_RITUAL &&
          b.kind() != v1::AGREEMENT_KIND_BOUNDARY) {
        return "an unknown kind of agreement";
      }
      if (b.text().empty() || !text_ok(b.text(), max_text_bytes)) return "an agreement text that is empty, too long or not UTF-8";
      if (!text_ok(b.tz(), max_tz_bytes)) return "a time zone name that is too long";
      if (!text_ok(b.note(), max_text_bytes)) return "a proposal note that is too long or not UTF-8";
      if (!ref_ok(b.amends(), true)) return "a malformed reference to the agreement it amends";
      return {};
    }
    case v1::Op::kRespond:
      if (!ref_ok(op.respond().agreement(), false)) return "a response to a malformed agreement reference";
      if (!text_ok(op.respond().note(), max_text_bytes)) return "a response note that is too long or not UTF-8";
      return {};
    case v1::Op::kRevoke:
      if (!ref_ok(op.revoke().agreement(), false)) return "a revocation of a malformed agreement reference";
      if (!text_ok(op.revoke().note(), max_text_bytes)) return "a revocation note that is too long or not UTF-8";
      return {};
    case v1::Op::kCheckIn:
      if (op.check_in().mood() > max_mood) return "a mood outside 1-5";
      if (!text_ok(op.check_in().note(), max_text_bytes)) return "a check-in note that is too long or not UTF-8";
      if (!ref_ok(op.check_in().agreement(), true)) return "a malformed agreement reference";
      return {};
    case v1::Op::BODY_NOT_SET:
      return require_body ? "no change at all" : std::string();
  }
  return require_body ? "no change at all" : std::string();
}

std::vector<std::uint8_t> signed_message(std::string_view op_bytes) {
  std::vector<std::uint8_t> message(op_signature_context.size() + op_bytes.size());
  std::memcpy(message.data(), op_signature_context.data(), op_signature_context.size());
  if (!op_bytes.empty()) {
    std::memcpy(message.data() + op_signature_context.size(), op_bytes.data(), op_bytes.size());
  }
  return message;
}

Error refused(const std::string& why) {
  return make_error(v1::CODE_REFUSED, "A shared change from the partner's device was refused (" +
                                          why + "); nothing from its batch was applied.");
}

}  // namespace

Hash content_hash(std::string_view op_bytes) {
  crypto::ensure_sodium();
  Hash out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(op_bytes.data()),
                     op_bytes.size(), nullptr, 0);
  return out;
}

std::string short_id(const Hash& hash) {
  auto text = crypto::base32_encode(hash).substr(0, short_id_chars);
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return text;
}

PublicKey key_of(const std::string& bytes) {
  PublicKey key{};
  std::memcpy(key.data(), bytes.data(), std::min(bytes.size(), key.size()));
  return key;
}

std::string to_bytes(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string check_op_fields(const v1::Op& op, bool require_body) {
  if (op.author().size() != PublicKey{}.size()) return "an author key of the wrong size";
  if (op.seq() == 0) return "a sequence number of zero";
  if (op.lamport() == 0 || op.lamport() > max_lamport) return "a logical clock out of range";
  if (op.wall_time_ms() < 0) return "a time before 1970";
  if (op.wall_time_ms() > max_time_ms) return "a time after 2200";
  if (op.prev_hash().size() != (op.seq() == 1 ? 0 : Hash{}.size())) {
    return op.seq() == 1 ? "a first change that names one before it"
                         : "a malformed link to the change before it";
  }
  return check_body(op, require_body);
}

Result<VerifiedOp> sign_op(const v1::Op& op, const crypto::SecureBytes& sign_secret) {
  crypto::ensure_sodium();
  if (auto why = check_op_fields(op, true); !why.empty()) {
    return make_error(v1::CODE_USAGE, "That change cannot be shared: it has " + why + ".");
  }
  if (sign_secret.size() != crypto_sign_SECRETKEYBYTES) {
    return make_error(v1::CODE_STORE, "This device's signing key has the wrong size.");
  }
  VerifiedOp out;
  std::string op_bytes;
  if (!op.SerializeToString(&op_bytes) || op_bytes.size() > max_op_bytes) {
    return make_error(v1::CODE_USAGE, "That change is too large to share; please shorten its text.");
  }
  const auto message = signed_message(op_bytes);
  std::array<std::uint8_t, signature_bytes> signature{};
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                       sign_secret.data());
  v1::SignedOp envelope;
  envelope.set_op(op_bytes);
  envelope.set_signature(to_bytes(signature));
  if (!envelope.SerializeToString(&out.signed_op)) {
    return make_error(v1::CODE_USAGE, "That change could not be encoded.");
  }
  out.op = op;
  out.hash = content_hash(op_bytes);
  return out;
}

Result<VerifiedOp> parse_op(std::string signed_op, std::span<const PublicKey> authors) {
  crypto::ensure_sodium();
  if (signed_op.empty() || signed_op.size() > max_signed_op_bytes) return refused("a change of an impossible size");
  v1::SignedOp envelope;
  if (!envelope.ParseFromString(signed_op)) return refused("a change that could not be read");
  if (envelope.op().empty() || envelope.op().size() > max_op_bytes) return refused("a change of an impossible size");
  if (envelope.signature().size() != signature_bytes) return refused("a malformed signature");
  VerifiedOp out;
  if (!out.op.ParseFromString(envelope.op())) return refused("a change that could not be read");
  if (out.op.author().size() != PublicKey{}.size()) return refused("an author key of the wrong size");
  const auto author = key_of(out.op.author());
  const bool known = std::any_of(authors.begin(), authors.end(), [&](const PublicKey& k) {
    return sodium_memcmp(k.data(), author.data(), k.size()) == 0;
  });
  if (!known) return refused("a change from a device that is not part of this pairing");
  if (auto why = check_op_fields(out.op, false); !why.empty()) return refused(why);
  out.hash = content_hash(envelope.op());
  out.signed_op = std::move(signed_op);
  return out;
}

Status check_signature(const VerifiedOp& op) {
  crypto::ensure_sodium();
  v1::SignedOp envelope;
  if (!envelope.ParseFromString(op.signed_op) || envelope.signature().size() != signature_bytes ||
      op.op.author().size() != PublicKey{}.size()) {
    return refused("a change that could not be read");
  }
  const auto message = signed_message(envelope.op());
  if (crypto_sign_verify_detached(
          reinterpret_cast<const unsigned char*>(envelope.signature().data()), message.data(),
          message.size(), key_of(op.op.author()).data()) != 0) {
    return refused("a signature that does not check out");
  }
  return ok_status();
}

Result<VerifiedOp> verify_op(std::string signed_op, std::span<const PublicKey> authors) {
  auto op = parse_op(std::move(signed_op), authors);
  if (!op) return op.error();
  if (auto st = check_signature(*op); !st) return st.error();
  return op;
}

Result<VerifiedOp> parse_stored_op(std::string signed_op) {
  v1::SignedOp envelope;
  VerifiedOp out;
  if (!envelope.ParseFromString(signed_op) || !out.op.ParseFromString(envelope.op()) ||
      !check_op_fields(out.op, false).empty()) {
    return make_error(v1::CODE_STORE,
                      "A shared op in the store could not be read: the store is damaged. "
                      "Nothing was changed.");
  }
  out.hash = content_hash(envelope.op());
  out.signed_op = std::move(signed_op);
  return out;
}

bool fold_before(const v1::Op& a, const v1::Op& b) {
  if (a.lamport() != b.lamport()) return a.lamport() < b.lamport();
  if (const int c = a.author().compare(b.author()); c != 0) return c < 0;
  return a.seq() < b.seq();
}

}  // namespace pairspace::sync
