// What the HTTP layer asks of the application it serves: sign a request in from its header,
// answer the whole request, and hear when a round of requests ends. The HTTP layer knows nothing
// else of it (Api is the one implementation).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_message.hpp"

namespace awa::server {

// What the HTTP layer tells of the connection a request came on.
struct ClientConnection {
  std::string peer;  // the client's address: who sign-in limits count against
  // False once the client has gone (closed its side): its sign-in is not worth a hash.
  std::function<bool()> open = [] { return true; };
};

// Who signed a request in, as the handler knows them. The HTTP layer only carries it from the
// header's admission to the request's handling, as bytes: no allocation per request.
struct Principal {
  alignas(std::uint64_t) std::array<unsigned char, 32> bytes{};
};

// The outcome of a request's header: signed in, or an answer already.
struct Admission {
  std::optional<Principal> principal;  // signed in: read the body, then handle() it
  HttpResponse answer;                 // otherwise the answer (an error, or a health check's)
  // Answer only after this long (a refused sign-in: a client that ignores Retry-After makes
  // at most one attempt a second on a connection).
  std::chrono::milliseconds delay{0};
};

class RequestHandler {
public:
  using Respond = std::function<void(HttpResponse)>;
  using Admitted = std::function<void(Admission)>;
  virtual ~RequestHandler() = default;

  // The principal, at once, when the header carries credentials verified before (nearly every
  // request); empty otherwise, and then admit() decides.
  virtual std::optional<Principal> known(const HttpRequest& head) const = 0;
  // Signs the request in from its header alone, before its body is read. Calls `admitted`
  // exactly once, possibly on another thread.
  virtual void admit(const HttpRequest& head, const ClientConnection& client,
                     Admitted admitted) = 0;
  // Answers the whole request; calls `respond` exactly once, possibly on another thread. The
  // answer may wait for end_of_round().
  virtual void handle(HttpRequest request, const Principal& principal, Respond respond) = 0;
  // An I/O thread calls this once per round of requests it handled: they share one write.
  virtual void end_of_round() = 0;
  // The server is stopping: answer now what would wait (a long poll), so that it can.
  virtual void stopping() = 0;
  // An error in the handler's envelope, for what the HTTP layer refuses itself.
  virtual HttpResponse error(unsigned status, std::string_view message,
                             std::string_view detail) const = 0;
};

}  // namespace awa::server
