#pragma once
// Blocking work (Argon2id, later big SQLite batches) runs on a worker pool; the awaiting
// coroutine resumes on its own executor, the network thread, with the result.
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>
#include <utility>

namespace pairspace::daemon {

// Runs `work()` on `pool`; co_await gives its result back on the caller's executor.
// The result type must be movable; `work` must not touch state owned by the network thread.
template <class Work>
boost::asio::awaitable<std::invoke_result_t<Work&>> run_on_worker(boost::asio::thread_pool& pool,
                                                                  Work work) {
  using R = std::invoke_result_t<Work&>;
  auto initiate = [&pool](auto handler, Work fn) {
    auto home = boost::asio::get_associated_executor(handler);
    boost::asio::post(pool, [handler = std::move(handler), fn = std::move(fn),
                             guard = boost::asio::make_work_guard(home)]() mutable {
      R result = fn();
      auto executor = guard.get_executor();
      boost::asio::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
        std::move(handler)(std::move(result));
      });
    });
  };
  co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(R)>(
      initiate, boost::asio::use_awaitable, std::move(work));
}

}  // namespace pairspace::daemon
