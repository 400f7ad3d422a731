// One connection's life: its requests read (header first, then the body once signed in), handed
// to the RequestHandler, and their answers written; keep-alive, one request at a time
// (pipelined requests wait in the buffer). Plain TCP or TLS.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "server/http_limits.hpp"
#include "server/http_worker.hpp"
#include "server/request_handler.hpp"

namespace awa::server {

// Live sessions, so that a stop can close the idle ones, and so they can be counted; and the
// bytes of large answers they hold while their clients read them.
class SessionRegistry {
public:
  // Counts `bytes` of an answer being written against `budget`; false (and nothing counted)
  // when it would go beyond.
  bool hold_answer(std::size_t bytes, std::size_t budget);
  void release_answer(std::size_t bytes) {
    answer_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
  }

  void add(SessionBase* s, std::weak_ptr<SessionBase> w);
  void remove(SessionBase* s);
  std::size_t size();
  std::vector<std::shared_ptr<SessionBase>> live();

private:
  std::mutex mutex_;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;
  std::atomic<std::size_t> answer_bytes_{0};
};

// Serves a new connection on `worker`, over TLS when `tls` is given. `over_cap`: the server has
// as many connections as it takes; this one gets a 503 and is closed.
void start_session(Socket socket, net::ssl::context* tls, Worker& worker, const HttpLimits& limits,
                   RequestHandler& handler, SessionRegistry& registry, bool over_cap);

}  // namespace awa::server
