// The sentences people read about the shared state.
#include "daemon/shared_text.hpp"

#include <gtest/gtest.h>

namespace pairspace::daemon::text {
namespace {

TEST(SharedText, SpaceRequestSaysWhatUntilWhenAndTheNote) {
  v1::Op op;
  auto& s = *op.mutable_set_status();
  s.set_state(v1::SPACE_STATE_NEED_SPACE);
  s.set_kind(v1::SPACE_KIND_ALONE);
  s.set_note("recharging, love you");
  s.set_until_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count());
  const std::string sentence = op_sentence(op, false, "Sam", {});
  EXPECT_EQ(sentence.rfind("Sam asked for some time alone until ", 0), 0u) << sentence;
  EXPECT_NE(sentence.find("\u201crecharging, love you\u201d."), std::string::npos) << sentence;
  EXPECT_EQ(op_sentence(op, true, "Sam", {}).rfind("You asked", 0), 0u);
}

TEST(SharedText, ProposalNamesTheScheduleAndZone) {
  v1::Op op;
  auto& p = *op.mutable_propose();
  p.set_kind(v1::AGREEMENT_KIND_CHECKIN);
  p.set_text("daily 21:00");
  p.set_tz("Europe/Berlin");
  EXPECT_EQ(op_sentence(op, false, "Sam", {}),
            "Sam proposed a daily check-in at 21:00 (Europe/Berlin).");
  p.set_text("mon,wed 08:30");
  p.set_floating(true);
  EXPECT_EQ(op_sentence(op, true, "Sam", {}),
            "You proposed a check-in on mon,wed at 08:30 (wherever each of you is).");
}

TEST(SharedText, AcknowledgementAndResponseUseTheAgreementText) {
  v1::Op ack;
  ack.mutable_acknowledge()->set_note("take your time");
  EXPECT_EQ(op_sentence(ack, true, "Sam", {}),
            "You acknowledged the request for space: \u201ctake your time\u201d.");
  v1::SharedState state;
  auto& a = *state.add_agreements();
  a.set_content_hash("h");
  a.set_kind(v1::AGREEMENT_KIND_RITUAL);
  a.set_text("Sunday breakfast");
  v1::Op respond;
  respond.mutable_respond()->set_agreement("h");
  respond.mutable_respond()->set_accept(true);
  EXPECT_EQ(op_sentence(respond, false, "Sam", state),
            "Sam agreed to a ritual: \u201cSunday breakfast\u201d.");
}

}  // namespace
}  // namespace pairspace::daemon::text
