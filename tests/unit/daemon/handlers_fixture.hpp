#pragma once
// Runs Handlers on an in-memory store, on the test's own io_context.
// clang-format off: must come first
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
// clang-format on
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "daemon/handlers.hpp"
#include "daemon/partner.hpp"
#include "harness.hpp"

namespace pairspace::daemon::test {

namespace asio = boost::asio;

class HandlersTest : public ::testing::Test {
 protected:
  void use_store(std::unique_ptr<store::Store> store) {
    m_context.home = "/nowhere";
    m_context.listen_address = "127.0.0.1:1";
    m_context.store = std::move(store);
  }
  Reply handle(v1::Request request) {
    std::optional<Reply> out;
    asio::co_spawn(m_io, m_handlers.handle(std::move(request)),
                   [&](std::exception_ptr e, Reply reply) {
                     if (e) std::rethrow_exception(e);
                     out = std::move(reply);
                   });
    const auto deadline = std::chrono::steady_clock::now() + test_bound;
    while (!out && std::chrono::steady_clock::now() < deadline) {
      m_io.restart();
      m_io.run_for(10ms);
    }
    if (!out) {
      ADD_FAILURE() << "the handler did not finish in time";
      return {};
    }
    return std::move(*out);
  }

  asio::io_context m_io;
  asio::thread_pool m_workers{1};
  DaemonContext m_context;
  Partnership m_partnership{m_io, m_context};
  Handlers m_handlers{m_context, m_workers, m_partnership};
};

}  // namespace pairspace::daemon::test
