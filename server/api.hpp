// The REST API: content negotiation, Basic auth, routing of both URL forms, and the handlers
// that turn HTTP requests into domain calls and domain answers into the platform's bodies.
// A response is released only when the changes it saw are durable.
#pragma once

#include <boost/json/monotonic_resource.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>

#include "domain/instance.hpp"
#include "server/basic_auth.hpp"
#include "server/body_format.hpp"
#include "server/delayed_calls.hpp"
#include "server/event_stream.hpp"
#include "server/http_message.hpp"
#include "server/login_limiter.hpp"
#include "server/rate_limited_log.hpp"
#include "server/request_handler.hpp"
#include "server/route.hpp"
#include "server/route_table.hpp"
#include "server/slow_work_pool.hpp"
#include "server/snapshots.hpp"

namespace awa::server {

struct ApiOptions {
  LoginLimits login = {};
  std::size_t max_answer_bytes = 16u << 20;  // a larger list is refused with 400
  // Events rendered for the streams, shared with the webhooks; null: the API's own.
  RenderedEvents* rendered_events = nullptr;
  // Called once a webhook was made, changed or deleted through the Table API.
  std::function<void()> webhooks_changed = [] {};
};

class Api : public RequestHandler {
public:
  // Runs slow work (password hashing) away from the I/O threads, as SlowWorkPool::try_post does:
  // by priority; false when it takes no more now; `abandoned` tells when the work has lost its
  // purpose (its client has gone).
  using Offload = std::function<bool(SlowWorkPool::Priority, SlowWorkPool::Work,
                                     std::function<bool()> abandoned)>;
  // An Offload that runs the work at once, on the calling thread (tests, fuzzing).
  // NOLINTNEXTLINE(performance-unnecessary-value-param): Offload's signature
  static bool run_here(SlowWorkPool::Priority, SlowWorkPool::Work work, std::function<bool()>) {
    work(true);
    return true;
  }
  // A refused sign-in (wrong credentials, or limited) is answered only after this long.
  static constexpr std::chrono::seconds kRefusalDelay{1};

  // `snapshots` may be null: no snapshot endpoint then.
  Api(domain::Instance& instance, Authenticator& authenticator, Offload offload,
      Snapshots* snapshots = nullptr, ApiOptions options = {});
  // Long polls still waiting are dropped unanswered.
  ~Api() override;
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // RequestHandler, for the HTTP layer. A principal is a domain::Caller.
  std::optional<Principal> known(const HttpRequest& head) const override;
  // Cheap when the credentials were verified before, else a password hash off this thread, if
  // the sign-in limits allow it.
  void admit(const HttpRequest& head, const ClientConnection& client, Admitted admitted) override;
  void handle(HttpRequest request, const Principal& principal, Respond respond) override {
    handle(request, caller_of(principal), std::move(respond), Lead::on_flush);
  }
  void end_of_round() override { flush(); }
  // Long polls are answered at once, as they stand.
  void stopping() override;
  HttpResponse error(unsigned status, std::string_view message,
                     std::string_view detail) const override {
    return error_response(status, message, detail);
  }
  static Principal principal_of(const domain::Caller& caller);
  static domain::Caller caller_of(const Principal& principal);

  // The caller, at once, when the request's header carries credentials verified before.
  std::optional<domain::Caller> cached_caller(const HttpRequest& head) const;
  // Answers the whole request of a signed-in caller; calls `respond` exactly once, possibly on
  // another thread. With Lead::on_flush the answer may wait for a call to flush(): an I/O loop
  // calls it once per round of requests, so they share one write to the durable log.
  using Lead = domain::CommitQueue::Lead;
  void handle(const HttpRequest& request, const domain::Caller& caller, Respond respond, Lead lead);
  // Both, for a request read whole (tests, fuzzing).
  void handle(HttpRequest request, Respond respond, Lead lead = Lead::now);
  void flush() { instance_.flush(); }

  // The platform's error envelope with `status`: for errors found before the API (bad HTTP).
  static HttpResponse error_response(unsigned status, std::string_view message,
                                     std::optional<std::string_view> detail = {},
                                     BodyFormat format = BodyFormat::json);

private:
  // One request on its way through its handler: what was asked, by whom, and how to answer.
  struct Call {
    const HttpRequest& request;
    const domain::Caller& caller;
    const Route& route;
    BodyFormat out;
    std::optional<BodyFormat> in;  // the body's format, when it has one
    Respond respond;
    Lead lead;
    boost::json::monotonic_resource* body_memory;
  };
  using Handler = void (Api::*)(Call&);
  // Every endpoint: (method, path pattern) -> its handler.
  static const RouteTable<Handler>& routes();

  void offer(Call& call);
  void assign(Call& call);
  void accept(Call& call);
  void reject(Call& call);
  void reject_reasons(Call& call);
  // Accept and reject: the same body, the same answer, a different rule.
  using InboxRule = domain::Answer<domain::InboxActionDone> (domain::Instance::*)(
      const domain::Caller&, const domain::InboxActionRequest&);
  void inbox_action(Call& call, InboxRule rule);
  void end_consult(Call& call);
  void presence_states(Call& call);
  void capacities(Call& call);
  void agent(Call& call);
  void set_presence(Call& call);
  void stats(Call& call);
  void check(Call& call);
  void list_snapshots(Call& call);
  void take_snapshot(Call& call);
  void events(Call& call);
  // The WebSocket upgrade of the event stream (event_stream.hpp).
  void event_stream(Call& call);
  // Answers with the events after query.after, waiting for one until `wait_until`; read on this
  // thread when `on_this_thread` and they are in memory, else on the slow pool.
  void read_events(const domain::Caller& caller, const domain::EventQuery& query,
                   DelayedCalls::Clock::time_point wait_until, const Respond& respond,
                   bool on_this_thread);
  void list_table(Call& call);
  void get_record(Call& call);
  void create_record(Call& call);
  void update_record(Call& call);
  void delete_record(Call& call);

  // The request's body, parsed into the call's memory and decoded; empty when either fails, and
  // then answered with `refuse`'s error.
  template <class Decode, class Refuse>
  static auto decoded_body(Call& call, Decode decode, Refuse refuse) -> std::optional<
      typename decltype(decode(std::declval<const boost::json::object&>()))::value_type>;
  // sysparm_fields, when given.
  static std::optional<std::vector<std::string>> selected_fields(const Call& call);
  // The usual shape: the result envelope with `encode`'s answer, or the platform's error
  // envelope; sent once durable.
  template <class DomainAnswer, class Encode>
  void answer(Call& call, DomainAnswer&& domain_answer, Encode encode);
  // Offer Work and Manual Assignment: the result envelope, success or not.
  void answer_offer(Call& call, domain::Answer<domain::OfferAccepted> domain_answer);
  void answer_when_durable(Call& call, domain::CommitQueue::Ticket ticket, HttpResponse response,
                           HttpResponse (*on_failure)(BodyFormat));

  // GET /healthz: 200 while the data directory takes writes, 503 and why while it does not.
  HttpResponse health() const;
  // The slow half of admit(): a password hash on the slow pool, within the sign-in limits.
  void sign_in(const std::string& authorization, const std::string& user_name,
               const ClientConnection& client, BodyFormat out, const Admitted& admitted);
  // Logs when writes start failing and when they work again (once each, not per request).
  void note_write(std::error_code error);
  // Sends `response` once what it reflects is durable; a failed write sends `on_failure`'s.
  void respond_when_durable(domain::CommitQueue::Ticket ticket, HttpResponse response,
                            HttpResponse (*on_failure)(BodyFormat), BodyFormat out, Respond respond,
                            Lead lead);
  // The Table API's list, read and rendered off the I/O thread; refused when over the size.
  void list_records(const domain::Caller& caller, domain::ListRequest request,
                    const std::vector<std::string>* fields, BodyFormat out, Respond respond);
  static std::string webhook_secret(domain::FieldValues& values);
  // The Table API's create and update of a record.
  void write_record(const std::vector<std::string>& path, const HttpRequest& request,
                    const domain::Caller& caller, BodyFormat out,
                    const std::vector<std::string>* fields, Respond respond, Lead lead);

  domain::Instance& instance_;
  Authenticator& authenticator_;
  Offload offload_;
  Snapshots* snapshots_;
  const std::size_t max_answer_bytes_;
  const std::function<void()> webhooks_changed_;
  LoginLimiter login_limiter_;
  RateLimitedLog refused_sign_ins_;
  std::atomic<bool> writes_failing_{false};
  std::atomic<bool> stopping_{false};
  EventStreamCounters event_streams_;
  RenderedEvents own_rendered_events_;
  RenderedEvents& rendered_events_;
  DelayedCalls delayed_;  // last: its thread stops first
};

}  // namespace awa::server
