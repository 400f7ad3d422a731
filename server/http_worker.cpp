#include "server/http_worker.hpp"

#include <boost/asio/post.hpp>

#include <cstring>
#include <stdexcept>
#include <string>

#if defined(BOOST_ASIO_HAS_IO_URING)
#include <liburing.h>
#endif

namespace awa::server {

void Worker::track(std::weak_ptr<SessionBase> session) {
  sessions_.push_back(std::move(session));
  if (!sweeping_) schedule_sweep();
}

void Worker::schedule_sweep() {
  sweeping_ = true;
  sweeper_.expires_after(kSweepPeriod);
  sweeper_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    sweep();
  });
}

void Worker::sweep() {
  const auto now = Clock::now();
  std::erase_if(sessions_, [now](const std::weak_ptr<SessionBase>& weak) {
    const auto session = weak.lock();
    if (!session) return true;
    if (session->deadline <= now) {
      session->deadline = Clock::time_point::max();
      session->deadline_passed();
    }
    return false;
  });
  // No connections, no sweep: the loop may then run out of work and return (at stop).
  sweeping_ = false;
  if (!sessions_.empty()) schedule_sweep();
}

void Worker::run(std::chrono::microseconds busy_poll) {
  if (busy_poll.count() == 0) {
    io_.run();
    return;
  }
  auto last_work = Clock::now();
  for (;;) {
    if (io_.poll() > 0) {
      last_work = Clock::now();
      continue;
    }
    if (io_.stopped()) return;
    if (Clock::now() - last_work < busy_poll) continue;
    if (io_.run_one() == 0) return;  // sleeps until there is work
    last_work = Clock::now();
  }
}

void Worker::end_round_later(RequestHandler& handler) {
  if (end_of_round_posted_) return;
  end_of_round_posted_ = true;
  net::post(io_, [this, &handler] {
    end_of_round_posted_ = false;
    handler.end_of_round();
  });
}

void require_io_backend() {
#if defined(BOOST_ASIO_HAS_IO_URING)
  // Asio would throw a bare "io_uring_queue_init: Operation not permitted" on the first loop.
  io_uring ring{};
  if (const int result = io_uring_queue_init(2, &ring, 0); result < 0) {
    throw std::runtime_error(
        std::string("this build serves connections through io_uring, which the system refuses (") +
        std::strerror(-result) +
        "): allow it (sysctl kernel.io_uring_disabled=0; in a container, a seccomp profile that "
        "permits io_uring_setup and io_uring_enter), or build with -DAWA_IO_URING=OFF for epoll");
  }
  io_uring_queue_exit(&ring);
#endif
}

const char* io_backend() {
#if defined(BOOST_ASIO_HAS_IO_URING)
  return "io_uring";
#else
  return "epoll";
#endif
}

}  // namespace awa::server
