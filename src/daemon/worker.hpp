#pragma once
// Blocking work (Argon2id, later big SQLite batches) runs on a worker pool; the awaiting
// coroutine resumes on its own executor, the network thread, with the result.
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>

namespace pairspace::daemon {

// Runs `work()` on `pool`; co_await gives its result back on the caller's executor.
// The result type must be movable; `work` must not touch state owned by the network thread.
// Not itself a coroutine: g++ 12 can destroy by-value coroutine arguments twice when the
// call sits in a co_await expression; pass `work` as a named object (std::move(w)).
template <class Work>
auto run_on_worker(boost::asio::thread_pool& pool, Work&& work) {
  using Fn = std::decay_t<Work>;
  using R = std::invoke_result_t<Fn&>;
  auto initiate = [&pool](auto handler, Fn fn) {
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
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(R)>(
      initiate, boost::asio::use_awaitable, std::forward<Work>(work));
}

}  // namespace pairspace::daemon
