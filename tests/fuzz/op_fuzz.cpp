// Op parsing and verification (sync/op_codec): what a partner's device can send as one op.
//
// Input: mode(1) || ...
//   mode % 2 == 0  raw: the rest is a SignedOp as received; verify_op against the two
//                  paired authors (Alex, Sam).
//   mode % 2 == 1  signed: author(1) flip(2) || the rest is a serialised Op; the harness
//                  sets the author (Alex, Sam, or a stranger) and signs it, as a buggy or
//                  hostile partner device could.
// Invariants:
//  - parse_op accepts exactly what verify_op accepts apart from the signature;
//  - verify_op accepts only: a known author, a good signature over exactly the op bytes,
//    fields that pass check_op_fields; it keeps the received bytes untouched, and its hash
//    is content_hash of the op bytes; parse_stored_op reads the same op back;
//  - sign_op succeeds exactly when check_op_fields(op, require_body) passes and the op fits;
//    what it signs verifies, parses back byte-identical, and any flipped byte is refused;
//  - a stranger's signature is always refused;
//  - fold_before is a strict order between any two ops; short ids are 6 base32 letters.
#include <sodium.h>

#include "fuzz_support.hpp"
#include "sync/op_codec.hpp"

namespace pairspace::fuzz {
namespace {

std::array<sync::PublicKey, 2> paired_authors() {
  return {test_keys(1).sign_public, test_keys(2).sign_public};
}

// The signature on the op bytes, checked independently of op_codec.
bool signature_checks(const v1::SignedOp& envelope, const sync::PublicKey& author) {
  const std::string message = std::string(sync::op_signature_context) + envelope.op();
  return envelope.signature().size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(envelope.signature().data()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             author.data()) == 0;
}

void check_short_id(const sync::Hash& hash) {
  const std::string id = sync::short_id(hash);
  FUZZ_CHECK(id.size() == sync::short_id_chars);
  for (char c : id) FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'));
}

void check_verified(const sync::VerifiedOp& v, const std::string& received) {
  FUZZ_CHECK(v.signed_op == received);
  v1::SignedOp envelope;
  FUZZ_CHECK(envelope.ParseFromString(received));
  FUZZ_CHECK(v.hash == sync::content_hash(envelope.op()));
  FUZZ_CHECK(sync::check_op_fields(v.op, false).empty());
  const auto authors = paired_authors();
  const sync::PublicKey author = sync::key_of(v.op.author());
  FUZZ_CHECK(author == authors[0] || author == authors[1]);
  FUZZ_CHECK(signature_checks(envelope, author));
  FUZZ_CHECK(v.op.author().size() == 32 && v.op.seq() > 0 && v.op.lamport() > 0 &&
             v.op.lamport() <= sync::max_lamport && v.op.wall_time_ms() >= 0);

  Result<sync::VerifiedOp> stored = sync::parse_stored_op(received);
  FUZZ_CHECK(stored.ok());
  FUZZ_CHECK(stored->hash == v.hash);
  FUZZ_CHECK(stored->op.SerializeAsString() == v.op.SerializeAsString());
  FUZZ_CHECK(!sync::fold_before(v.op, v.op));
  check_short_id(v.hash);
}

void raw(FuzzInput& in) {
  const std::string received = in.rest_string();
  const auto authors = paired_authors();
  Result<sync::VerifiedOp> v = sync::verify_op(received, authors);
  if (v) {
    check_verified(*v, received);
  } else {
    FUZZ_CHECK(v.error().code == v1::CODE_REFUSED);
    FUZZ_CHECK(!v.error().message.empty());
  }
  // parse_op is verify_op without the signature (a batch checks one signature per chain).
  Result<sync::VerifiedOp> parsed = sync::parse_op(received, authors);
  if (v) FUZZ_CHECK(parsed.ok() && parsed->hash == v->hash);
  if (parsed) {
    v1::SignedOp envelope;
    FUZZ_CHECK(envelope.ParseFromString(received));
    const bool signed_ok = signature_checks(envelope, sync::key_of(parsed->op.author()));
    FUZZ_CHECK(signed_ok == v.ok());
  }
  // Nobody is paired: nothing verifies.
  FUZZ_CHECK(!sync::verify_op(received, {}).ok());
}

void signed_by_harness(FuzzInput& in) {
  const std::uint8_t who = in.u8() % 3;  // 0 Alex, 1 Sam, 2 a stranger
  const std::uint16_t flip = in.u16();
  const bool keep_author = in.u8() % 4 == 3;  // sign with the key, keep the op's own author
  v1::Op op;
  if (!op.ParseFromString(in.rest_string())) return;
  const TestKeys keys = test_keys(static_cast<std::uint8_t>(who + 1));
  if (!keep_author) op.set_author(as_string(keys.sign_public));

  const crypto::SecureBytes secret(ByteView(keys.sign_secret));
  Result<sync::VerifiedOp> made = sync::sign_op(op, secret);
  const bool fields_ok = sync::check_op_fields(op, true).empty();
  if (!made) {
    FUZZ_CHECK(made.error().code == v1::CODE_USAGE);
    FUZZ_CHECK(!fields_ok || op.ByteSizeLong() > sync::max_op_bytes);
    return;
  }
  FUZZ_CHECK(fields_ok && op.ByteSizeLong() <= sync::max_op_bytes);

  const auto authors = paired_authors();
  Result<sync::VerifiedOp> v = sync::verify_op(made->signed_op, authors);
  const bool author_is_signer = op.author() == as_string(keys.sign_public);
  if (who == 2 || !author_is_signer) {
    FUZZ_CHECK(!v.ok());
    return;
  }
  FUZZ_CHECK(v.ok());
  check_verified(*v, made->signed_op);
  FUZZ_CHECK(v->hash == made->hash);
  v1::SignedOp envelope;
  FUZZ_CHECK(envelope.ParseFromString(made->signed_op));
  FUZZ_CHECK(v->op.SerializeAsString() == envelope.op());

  // Any one flipped bit in what was signed is refused.
  std::string tampered = made->signed_op;
  tampered[flip % tampered.size()] =
      static_cast<char>(tampered[flip % tampered.size()] ^ (1 << (flip % 8)));
  FUZZ_CHECK(!sync::verify_op(tampered, authors).ok());

  // fold_before orders distinct ops strictly one way.
  v1::Op other = v->op;
  other.set_seq(v->op.seq() + 1);
  FUZZ_CHECK(sync::fold_before(v->op, other) != sync::fold_before(other, v->op));
}

}  // namespace
}  // namespace pairspace::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pairspace::fuzz::fuzz_init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pairspace::fuzz;
  reset_random();
  FuzzInput in(data, size);
  if (in.u8() % 2 == 0) {
    raw(in);
  } else {
    signed_by_harness(in);
  }
  return 0;
}
