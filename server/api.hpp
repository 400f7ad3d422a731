// The REST API: content negotiation, Basic auth, routing of both URL forms, and the handlers
// that turn HTTP requests into domain calls and domain answers into the platform's bodies.
// A response is released only when the changes it saw are durable.
#pragma once

#include <atomic>
#include <functional>

#include "domain/instance.hpp"
#include "server/basic_auth.hpp"
#include "server/body_format.hpp"
#include "server/http_message.hpp"
#include "server/snapshots.hpp"

namespace awa::server {

class Api {
public:
  using Respond = std::function<void(HttpResponse)>;
  // Runs slow work (password hashing) away from the I/O threads.
  using Offload = std::function<void(std::function<void()>)>;

  // `snapshots` may be null: no snapshot endpoint then.
  Api(domain::Instance& instance, Authenticator& authenticator, Offload offload,
      Snapshots* snapshots = nullptr);

  // Calls `respond` exactly once, possibly on another thread. With Lead::on_flush the answer may
  // wait for a call to flush(): an I/O loop calls it once per round of requests, so they share
  // one write to the durable log.
  using Lead = domain::CommitQueue::Lead;
  void handle(HttpRequest request, Respond respond, Lead lead = Lead::now);
  void flush() { instance_.flush(); }

  // The platform's error envelope with `status`: for errors found before the API (bad HTTP).
  static HttpResponse error_response(unsigned status, std::string_view message,
                                     std::optional<std::string_view> detail = {},
                                     BodyFormat format = BodyFormat::json);

private:
  // GET /healthz: 200 while the data directory takes writes, 503 and why while it does not.
  HttpResponse health() const;
  // Logs when writes start failing and when they work again (once each, not per request).
  void note_write(std::error_code error);

  void dispatch(const HttpRequest& request, const domain::Caller& caller, BodyFormat out,
                Respond respond, Lead lead);

  domain::Instance& instance_;
  Authenticator& authenticator_;
  Offload offload_;
  Snapshots* snapshots_;
  std::atomic<bool> writes_failing_{false};
};

}  // namespace awa::server
