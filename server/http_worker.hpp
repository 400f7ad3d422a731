// One I/O thread: its event loop, the connections it serves and their deadlines, and the end of
// each round of requests. A connection stays on one thread, so it needs no strand, and handing
// it work from another thread is one post.
#pragma once

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <memory>
#include <vector>

#include "server/request_handler.hpp"

namespace awa::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using Clock = std::chrono::steady_clock;

// What a worker's deadline sweep (and the server's stop) needs of a connection, over plain TCP
// or TLS.
class SessionBase {
public:
  virtual ~SessionBase() = default;
  // From any thread: finish the request in hand, then close; close now if idle.
  virtual void stop() = 0;
  // On the session's thread, by the sweep: the wait in hand took too long; close.
  virtual void deadline_passed() = 0;
  // When the wait in hand (a request's bytes, an idle keep-alive, a write) must have ended.
  // The session's thread only.
  Clock::time_point deadline = Clock::time_point::max();
};

class Worker {
public:
  // Connection deadlines, nginx's way rather than a timer per read and write (Beast's
  // basic_stream arms one and cancels it for every operation): a session notes its deadline,
  // and a sweep a few times a second closes those past it. Timeouts are whole seconds.
  static constexpr auto kSweepPeriod = std::chrono::milliseconds(250);

  net::io_context& io() { return io_; }
  // On this worker's thread: the sweep watches the session until it ends.
  void track(std::weak_ptr<SessionBase> session);
  // Runs the loop until it stops. With `busy_poll`, after running handlers it polls the loop for
  // that long before it blocks: on a virtual machine, waking a sleeping thread costs more than
  // serving a request.
  void run(std::chrono::microseconds busy_poll);
  // On this worker's thread: `handler.end_of_round()` runs once the round of ready connections
  // in hand is handled, however many requests ask for it, so they share one write.
  void end_round_later(RequestHandler& handler);

private:
  void schedule_sweep();
  void sweep();

  net::io_context io_{1};
  std::vector<std::weak_ptr<SessionBase>> sessions_;  // this thread's; the sweep drops ended ones
  net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor> sweeper_{io_};
  bool sweeping_ = false;
  bool end_of_round_posted_ = false;
};

// Throws std::runtime_error, saying what to do, when the system refuses this build's I/O
// backend (io_uring: kernel.io_uring_disabled, or a container's seccomp profile).
void require_io_backend();
// "io_uring" or "epoll".
const char* io_backend();

}  // namespace awa::server
