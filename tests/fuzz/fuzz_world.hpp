// What the fuzz targets run against: one demo instance in memory (an in-memory log, a plain
// password tag instead of Argon2, a manual clock), with its authenticator and API, made once per
// process. Inputs change its state as they go; every answer must still be well formed.
#pragma once

#include <future>

#include "domain/instance.hpp"
#include "server/api.hpp"
#include "server/basic_auth.hpp"
#include "tests/support/memory_log.hpp"

namespace awa::fuzz {

struct World {
  World() {
    if (instance.initialize({"admin", true})) std::abort();
  }

  // The answer to `request`, waited for (durable writes answer on the writer thread).
  server::HttpResponse handle(server::HttpRequest request) {
    std::promise<server::HttpResponse> answered;
    api.handle(std::move(request),
               [&](server::HttpResponse r) { answered.set_value(std::move(r)); });
    return answered.get_future().get();
  }

  static World& get() {
    static World world;
    return world;
  }

  domain::ManualClock clock{domain::TimePoint{domain::Milliseconds{1'800'000'000'000}}};
  testing::MemoryLog log;
  testing::PlainHasher hasher;
  domain::Instance instance{clock, log, hasher, false};
  server::Authenticator authenticator{instance, hasher};
  server::Api api{instance, authenticator, server::Api::run_here};
};

// Every answer is an HTTP status the server documents, with a body in the format promised; or
// a WebSocket's stream.
inline void check_answer(const server::HttpResponse& r) {
  if (r.stream) {  // a WebSocket handshake taken
    if (r.status != 101) std::abort();
    return;
  }
  if (r.status < 200 || r.status > 599) std::abort();
  if (r.status != 204 && r.body.empty()) std::abort();
}

}  // namespace awa::fuzz
