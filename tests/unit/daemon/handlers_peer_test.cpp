// peer show / address / forget on one in-memory device while not paired (the paired flows
// are in partner_test.cpp).
#include "handlers_fixture.hpp"

namespace pairspace::daemon::test {
namespace {

class PeerHandlers : public HandlersTest {
 protected:
  void SetUp() override {
    use_store(store::Store::open_in_memory("Ana", std::chrono::system_clock::now()).value());
  }
};

TEST_F(PeerHandlers, NotPairedIsNotReadyForEveryPeerCommand) {
  v1::Request show;
  show.mutable_peer_show();
  v1::Request address;
  address.mutable_peer_address()->set_address("127.0.0.1:47474");
  v1::Request forget;
  forget.mutable_peer_forget();
  for (const auto& request : {show, address, forget}) {
    auto response = handle(request).response;
    EXPECT_EQ(response.code(), v1::CODE_NOT_READY);
    EXPECT_NE(response.message().find("Not paired yet"), std::string::npos);
  }
}

TEST_F(PeerHandlers, AddressIsCheckedBeforeAnythingElse) {
  v1::Request address;
  address.mutable_peer_address()->set_address("somewhere");
  EXPECT_EQ(handle(address).response.code(), v1::CODE_USAGE);
}

TEST_F(PeerHandlers, StatusWhileNotPairedHasNoPartnerAndNoNotice) {
  v1::Request status;
  status.mutable_status();
  auto response = handle(status).response;
  ASSERT_EQ(response.code(), v1::CODE_OK);
  EXPECT_FALSE(response.daemon_status().paired());
  EXPECT_FALSE(response.daemon_status().has_partner());
  EXPECT_TRUE(response.daemon_status().notice().empty());
}

}  // namespace
}  // namespace pairspace::daemon::test
