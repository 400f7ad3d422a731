#include "server/http_server.hpp"

#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>

#include <thread>
#include <vector>

#include "server/http_session.hpp"
#include "server/http_worker.hpp"
#include "server/log.hpp"

namespace awa::server {

struct HttpServer::Impl {
  Impl(RequestHandler& h, unsigned threads, std::chrono::microseconds poll, const HttpLimits& l)
      : handler(h),
        workers(make_workers(threads)),
        busy_poll(poll),
        acceptor(workers.front()->io()),
        signals(workers.front()->io(), SIGINT, SIGTERM, SIGHUP),
        limits(l) {
    for (auto& worker : workers) keep_running.push_back(net::make_work_guard(worker->io()));
  }

  static std::vector<std::unique_ptr<Worker>> make_workers(unsigned threads) {
    std::vector<std::unique_ptr<Worker>> out;
    for (unsigned i = 0; i < std::max(threads, 1u); ++i) out.push_back(std::make_unique<Worker>());
    return out;
  }

  // New connections go to the workers in turn.
  void accept() {
    Worker& worker = *workers[next_worker++ % workers.size()];
    acceptor.async_accept(worker.io().get_executor(),
                          [this, &worker](boost::system::error_code ec, Socket socket) {
                            if (stopping) {
                              boost::system::error_code ignored;
                              acceptor.close(ignored);
                              return;  // a connection accepted meanwhile closes with `socket`
                            }
                            if (ec) {
                              // Out of descriptors and the like: log, and keep accepting.
                              log::warn("accept failed: " + ec.message());
                            } else {
                              socket.set_option(tcp::no_delay(true), ec);
                              const bool over_cap = registry.size() >= limits.max_connections;
                              start_session(std::move(socket), tls ? &*tls : nullptr, worker,
                                            limits, handler, registry, over_cap);
                            }
                            accept();
                          });
  }

  // SIGINT, SIGTERM: stop. SIGHUP, which asks daemons to reopen their log files: this log is
  // standard error, there is nothing to reopen, so it is noted and ignored.
  void wait_for_signals() {
    signals.async_wait([this](boost::system::error_code ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) {
        log::info("SIGHUP: ignored (the log is standard error; there is no file to reopen)");
        return wait_for_signals();
      }
      log::info("signal " + std::to_string(signal) + ": finishing in-flight requests");
      stop();
    });
  }

  void stop() {
    net::post(acceptor.get_executor(), [this] {
      boost::system::error_code ignored;
      stopping = true;
      handler.stopping();
      acceptor.cancel(ignored);  // the accept handler closes it (see deadline_passed)
      signals.cancel(ignored);
      for (auto& session : registry.live()) session->stop();
      // Each loop returns once its connections have closed.
      for (auto& guard : keep_running) guard.reset();
    });
  }

  RequestHandler& handler;
  std::vector<std::unique_ptr<Worker>> workers;
  std::chrono::microseconds busy_poll;
  std::vector<net::executor_work_guard<Executor>> keep_running;
  std::size_t next_worker = 0;  // the acceptor's thread only
  bool stopping = false;        // the acceptor's thread only
  net::basic_socket_acceptor<tcp, Executor> acceptor;
  net::basic_signal_set<Executor> signals;
  std::optional<net::ssl::context> tls;  // set: every connection speaks TLS
  HttpLimits limits;
  SessionRegistry registry;
};

HttpServer::HttpServer(RequestHandler& handler, Listener listener, const HttpLimits& limits,
                       unsigned threads, std::chrono::microseconds busy_poll,
                       std::optional<net::ssl::context> tls)
    : impl_(std::make_unique<Impl>(handler, threads, busy_poll, limits)) {
  impl_->tls = std::move(tls);
  const bool ipv6 = listener.ipv6();
  impl_->acceptor.assign(ipv6 ? tcp::v6() : tcp::v4(), listener.release());
}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void HttpServer::run() {
  impl_->wait_for_signals();
  impl_->accept();
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->workers.size(); ++i) {
    threads.emplace_back([this, i] { impl_->workers[i]->run(impl_->busy_poll); });
  }
  impl_->workers.front()->run(impl_->busy_poll);
  for (auto& t : threads) t.join();
}

void HttpServer::stop() {
  impl_->stop();
}

}  // namespace awa::server
