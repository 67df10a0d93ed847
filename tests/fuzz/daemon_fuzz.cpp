// The daemon's request handling without a socket: control requests go straight to Handlers
// (as ControlServer would hand them over) on a paired in-memory device, and the partner's
// side of a live session delivers sync frames (ops signed with the partner's real key) and
// unpair messages. Nothing here dials or listens: requests that would (pair join/wait,
// peer address, peer forget) are skipped; their address parsing is fuzzed directly.
//
// Input: a list of actions, each action(1) || its fields:
//   0 request       chunk: a v1.Request as the control socket delivers it
//   1 partner ops   n(1), then per op: mode(1) chunk (an Op body, signed by the partner)
//   2 frame         chunk: any v1.Frame from the partner's session
//   3 address       chunk: a HOST:PORT as typed for --peer / peer address
// Invariants:
//  - every reply has a known code, an error reply says something, and it fits one control
//    frame (the daemon can always send what it answers);
//  - a partner frame that is not a sync message changes no shared state;
//  - an address that parses formats back to the same endpoint; a dial address never has
//    port 0 or an unspecified host.
// clang-format off: must come first
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
// clang-format on
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <optional>

#include "control/framing.hpp"
#include "daemon/addresses.hpp"
#include "daemon/handlers.hpp"
#include "daemon/partner.hpp"
#include "fuzz_support.hpp"
#include "net/endpoint.hpp"
#include "peer/unpair.hpp"
#include "sign_raw.hpp"

namespace pairspace::fuzz {
namespace {

namespace asio = boost::asio;

constexpr std::size_t max_actions = 16;
constexpr auto handler_bound = std::chrono::seconds(5);

// PAIRSPACE_FUZZ_VERBOSE=1: print each request's reply (to see what an input does).
bool verbose() {
  static const bool on = std::getenv("PAIRSPACE_FUZZ_VERBOSE") != nullptr;
  return on;
}

asio::thread_pool& workers() {
  static asio::thread_pool pool{1};
  return pool;
}

bool skipped(const v1::Request& request) {
  switch (request.body_case()) {
    case v1::Request::kPairWait:
    case v1::Request::kPairJoin:
    case v1::Request::kPeerAddress:
    case v1::Request::kPeerForget:
      return true;
    default:
      return false;
  }
}

class Device {
 public:
  Device() : m_sam(test_keys(2)) {
    Result<std::unique_ptr<store::Store>> s =
        store::Store::open_in_memory("Alex", std::chrono::system_clock::now());
    FUZZ_CHECK(s.ok());
    store::Partner partner;
    partner.name = "Sam";
    partner.sign_public = m_sam.sign_public;
    partner.dh_public = m_sam.dh_public;
    partner.safety_number = "12345 67890";
    partner.paired_at = std::chrono::system_clock::now();
    FUZZ_CHECK((*s)->set_partner(partner).ok());
    m_context.home = "/nonexistent/pairspace-fuzz";
    m_context.listen_address = "127.0.0.1:1";
    m_context.store = std::move(*s);
    m_partnership.emplace(m_io, m_context);
    m_handlers.emplace(m_context, workers(), *m_partnership);
    // The partner's session is up: what the daemon sends goes nowhere.
    m_partnership->shared().session_up([](const v1::Frame&) { return ok_status(); });
  }
  ~Device() {
    m_handlers.reset();
    m_partnership.reset();  // before the io_context and the store it uses
  }
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  void request(const v1::Request& request) {
    if (skipped(request)) return;
    std::optional<daemon::Reply> out;
    asio::co_spawn(m_io, m_handlers->handle(request), [&](std::exception_ptr e, daemon::Reply r) {
      FUZZ_CHECK(e == nullptr);  // handlers answer with values, never exceptions
      out = std::move(r);
    });
    const auto deadline = std::chrono::steady_clock::now() + handler_bound;
    while (!out && std::chrono::steady_clock::now() < deadline) {
      m_io.restart();
      m_io.run_for(std::chrono::milliseconds(5));
    }
    FUZZ_CHECK(out.has_value());
    const v1::Response& response = out->response;
    if (verbose()) {
      std::fprintf(stderr, "request %d -> code %d: %s\n", static_cast<int>(request.body_case()),
                   static_cast<int>(response.code()), response.message().c_str());
    }
    FUZZ_CHECK(v1::Code_IsValid(response.code()));
    if (response.code() != v1::CODE_OK) FUZZ_CHECK(!response.message().empty());
    FUZZ_CHECK(control::encode_frame(response).ok());
  }

  void partner_ops(FuzzInput& in) {
    v1::Frame frame;
    sync::OpLog* log = m_partnership->shared().log();
    std::uint64_t seq = log != nullptr ? log->head(sync::OpAuthor::partner) : 0;
    std::uint64_t lamport = log != nullptr ? log->max_lamport() : 0;
    std::string prev;  // content hash of the partner's newest op (prev_hash of the next)
    if (seq > 0) {
      const auto tip = log->ops_after(sync::OpAuthor::partner, seq - 1, 1, SIZE_MAX);
      FUZZ_CHECK(tip.size() == 1);
      prev = sync::to_bytes(sync::parse_stored_op(tip[0]).value().hash);
    }
    const std::size_t n = 1 + in.u8() % 4;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t mode = in.u8();
      v1::Op op;
      if (!op.ParseFromString(in.chunk_string())) op.mutable_check_in()->set_mood(2);
      if (mode % 4 != 0) {  // a well-behaved envelope: the partner's fields are its own
        op.set_author(as_string(m_sam.sign_public));
        op.set_seq(++seq);
        lamport += 1 + mode % 3;
        op.set_lamport(lamport);
        if (mode % 8 < 4) op.set_wall_time_ms(1'780'000'000'000);
        op.set_prev_hash(prev);
      }
      prev = sync::to_bytes(sync::content_hash(op.SerializeAsString()));
      frame.mutable_op_batch()->add_ops(sign_raw(op, m_sam));
    }
    deliver(frame);
  }

  void deliver(const v1::Frame& frame) {
    sync::OpLog* log = m_partnership->shared().log();
    const std::optional<sync::Hash> before =
        log != nullptr ? std::optional<sync::Hash>(log->digest()) : std::nullopt;
    // What the link hands over: the first hello of a session, then anything.
    if (!m_hello_sent) {
      v1::Frame hello;
      hello.mutable_sync_hello();
      m_partnership->on_frame(hello, m_handshake_hash);
      m_hello_sent = true;
    }
    if (frame.has_unpair() && frame.unpair().signature() == "sign") {
      // A genuine unpair from the partner over this session.
      Result<peer::Bytes> signature = peer::sign_unpair(m_handshake_hash, m_sam.sign_secret);
      FUZZ_CHECK(signature.ok());
      v1::Frame real;
      real.mutable_unpair()->set_signature(as_string(*signature));
      m_partnership->on_frame(real, m_handshake_hash);
      return;
    }
    const bool sync_frame = sync::SyncSession::handles(frame);
    m_partnership->on_frame(frame, m_handshake_hash);
    m_io.restart();
    m_io.poll();
    log = m_partnership->shared().log();
    if (!sync_frame && before && log != nullptr && !frame.has_unpair()) {
      FUZZ_CHECK(log->digest() == *before);
    }
  }

 private:
  asio::io_context m_io;
  daemon::DaemonContext m_context;
  TestKeys m_sam;
  std::optional<daemon::Partnership> m_partnership;
  std::optional<daemon::Handlers> m_handlers;
  const Bytes m_handshake_hash = Bytes(64, 0x42);
  bool m_hello_sent = false;
};

void check_address(const std::string& text) {
  if (Result<asio::ip::tcp::endpoint> ep = net::parse_endpoint(text)) {
    Result<asio::ip::tcp::endpoint> again = net::parse_endpoint(net::format_endpoint(*ep));
    FUZZ_CHECK(again.ok() && *again == *ep);
  }
  if (Result<asio::ip::tcp::endpoint> dial = daemon::parse_dial_address(text)) {
    FUZZ_CHECK(dial->port() != 0);
    FUZZ_CHECK(!dial->address().is_unspecified());
  } else {
    FUZZ_CHECK(dial.error().code == v1::CODE_USAGE && !dial.error().message.empty());
  }
}

}  // namespace
}  // namespace pairspace::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pairspace::fuzz::fuzz_init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pairspace;
  using namespace pairspace::fuzz;
  reset_random();
  FuzzInput in(data, size);
  Device device;
  for (std::size_t i = 0; i < max_actions && !in.empty(); ++i) {
    switch (in.u8() % 4) {
      case 0: {
        const ByteView payload = in.chunk();
        v1::Request request;
        if (!request.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) break;
        device.request(request);
        break;
      }
      case 1:
        device.partner_ops(in);
        break;
      case 2: {
        v1::Frame frame;
        if (frame.ParseFromString(in.chunk_string())) device.deliver(frame);
        break;
      }
      case 3:
        check_address(in.chunk_string());
        break;
    }
  }
  return 0;
}
