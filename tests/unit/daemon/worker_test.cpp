#include "daemon/worker.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>

namespace pairspace::daemon {
namespace {

namespace asio = boost::asio;

TEST(RunOnWorker, RunsOffTheNetworkThreadAndResumesOnIt) {
  asio::io_context io;
  asio::thread_pool pool(1);
  std::thread::id worker_thread, resumed_thread;
  std::unique_ptr<int> result;
  auto task = [&]() -> asio::awaitable<void> {
    auto work = [&] {
      worker_thread = std::this_thread::get_id();
      return std::make_unique<int>(42);  // move-only results are fine
    };
    result = co_await run_on_worker(pool, std::move(work));
    resumed_thread = std::this_thread::get_id();
  };
  asio::co_spawn(io, task(), asio::detached);
  io.run_for(std::chrono::seconds(10));
  pool.join();
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, 42);
  EXPECT_NE(worker_thread, std::this_thread::get_id());
  EXPECT_EQ(resumed_thread, std::this_thread::get_id());
}

}  // namespace
}  // namespace pairspace::daemon
