#include "server/api.hpp"

#include <boost/json/monotonic_resource.hpp>

#include <cstring>
#include <memory>
#include <thread>
#include <type_traits>

#include "domain/field_value.hpp"
#include "server/api_answers.hpp"
#include "server/log.hpp"
#include "server/message_codec.hpp"
#include "server/printable.hpp"
#include "server/route.hpp"
#include "server/route_table.hpp"
#include "server/webhook_signature.hpp"

namespace awa::server {
namespace {

using domain::errc;
namespace bj = boost::json;

// Offer Work and Manual Assignment answer every outcome in the result envelope.
HttpResponse offer_failure(const domain::Failure& failure, BodyFormat format) {
  return render(status_of(failure.kind), message::offer_failure(failure.message), format);
}

// What a change answers when the data directory refuses its write. Built only then: rendering it
// up front for every change was a visible share of an offer's cost.
using StorageFailure = HttpResponse (*)(BodyFormat);
HttpResponse storage_error(BodyFormat format) {
  return Api::error_response(503, "Service Unavailable",
                             "The change could not be saved: the data directory does not take "
                             "writes (see /healthz)",
                             format);
}
HttpResponse offer_storage_failure(BodyFormat format) {
  return offer_failure(domain::fail(errc::storage_failure, "The change could not be saved"),
                       format);
}

std::vector<std::string> split_fields(std::string_view list) {
  std::vector<std::string> fields;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view name = domain::trim_blanks(list.substr(0, comma));
    if (!name.empty()) fields.emplace_back(name);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return fields;
}

}  // namespace

HttpResponse Api::error_response(unsigned status, std::string_view message,
                                 std::optional<std::string_view> detail, BodyFormat format) {
  return render(status, message::error(message, detail), format);
}

Api::Api(domain::Instance& instance, Authenticator& authenticator, Offload offload,
         Snapshots* snapshots, ApiOptions options)
    : instance_(instance),
      authenticator_(authenticator),
      offload_(std::move(offload)),
      snapshots_(snapshots),
      max_answer_bytes_(options.max_answer_bytes),
      webhooks_changed_(std::move(options.webhooks_changed)),
      login_limiter_(options.login),
      refused_sign_ins_(1.0, 10),
      rendered_events_(options.rendered_events != nullptr ? *options.rendered_events
                                                          : own_rendered_events_) {}

Api::~Api() {
  // Before the members the waits' wakes use: once this returns, none is being called.
  instance_.event_tail().forget_all_of(this);
}

HttpResponse Api::health() const {
  const auto error = instance_.storage_error();
  bj::object body{{"status", error ? "unavailable" : "ok"}};
  if (error) body["reason"] = "writes to the data directory fail: " + error.message();
  return render(error ? 503 : 200, body, BodyFormat::json);
}

void Api::note_write(std::error_code error) {
  if (error) {
    if (!writes_failing_.exchange(true)) {
      log::error("writes to the data directory fail (" + error.message() +
                 "); changes are refused with 503 until it takes writes again");
    }
  } else if (writes_failing_.load(std::memory_order_relaxed) && writes_failing_.exchange(false)) {
    log::info("the data directory takes writes again");
  }
}

Principal Api::principal_of(const domain::Caller& caller) {
  static_assert(std::is_trivially_copyable_v<domain::Caller> &&
                sizeof(domain::Caller) <= sizeof(Principal::bytes));
  Principal principal;
  std::memcpy(principal.bytes.data(), &caller, sizeof caller);
  return principal;
}

domain::Caller Api::caller_of(const Principal& principal) {
  domain::Caller caller;
  std::memcpy(&caller, principal.bytes.data(), sizeof caller);
  return caller;
}

std::optional<Principal> Api::known(const HttpRequest& head) const {
  const auto caller = cached_caller(head);
  if (!caller) return std::nullopt;
  return principal_of(*caller);
}

std::optional<domain::Caller> Api::cached_caller(const HttpRequest& head) const {
  if (head.authorization.empty() || head.target == "/healthz") return std::nullopt;
  return authenticator_.cached(head.authorization);
}

void Api::admit(const HttpRequest& head, const ClientConnection& client, Admitted admitted) {
  // Health checks come from load balancers and orchestrators, without credentials.
  if (head.target == "/healthz") {
    if (head.method != "GET" && head.method != "HEAD") {
      return admitted({{}, method_not_allowed("GET, HEAD", BodyFormat::json)});
    }
    return admitted({{}, health()});
  }
  const auto out = response_format(head.accept);
  // Errors before authentication are written in the format asked for, or JSON.
  const BodyFormat early = out.value_or(BodyFormat::json);
  // A header the cache knows was verified before, so it parses: decode only the others.
  const auto caller =
      head.authorization.empty() ? std::nullopt : authenticator_.cached(head.authorization);
  const auto credentials = caller || head.authorization.empty()
                               ? std::nullopt
                               : parse_basic_authorization(head.authorization);
  if (!caller && !credentials) return admitted({{}, unauthorized(early)});
  if (!out) {
    return admitted({{},
                     error_response(406, "Not Acceptable",
                                    "Supported response types: application/json, "
                                    "application/xml")});
  }
  if (caller) return admitted({principal_of(*caller), {}});
  sign_in(head.authorization, credentials->user_name, client, *out, admitted);
}

void Api::sign_in(const std::string& authorization, const std::string& user_name,
                  const ClientConnection& client, BodyFormat out, const Admitted& admitted) {
  // A password hash: only within the sign-in limits, and only for a client still there.
  const auto decision = login_limiter_.admit(client.peer, user_name, LoginLimiter::Clock::now());
  if (!decision.admitted) {
    refused_sign_ins_.write(LogLevel::warn, "sign-in refused for user " + printable(user_name) +
                                                " from " + client.peer +
                                                ": too many failed sign-ins");
    return admitted({{}, too_many_sign_ins(decision.retry_after, out), kRefusalDelay});
  }
  auto verify = [this, authorization, user = user_name, client, format = out, admitted](bool run) {
    if (!run) {  // pushed out of the queue by sign-ins in better standing
      login_limiter_.finished(client.peer, user, LoginLimiter::Result::abandoned,
                              LoginLimiter::Clock::now());
      return admitted({{}, busy(format)});
    }
    if (!client.open()) {  // gone while it waited: not worth a hash
      login_limiter_.finished(client.peer, user, LoginLimiter::Result::abandoned,
                              LoginLimiter::Clock::now());
      return admitted({{}, unauthorized(format)});
    }
    const auto verified = authenticator_.verify(authorization);
    login_limiter_.finished(
        client.peer, user,
        verified ? LoginLimiter::Result::succeeded : LoginLimiter::Result::failed,
        LoginLimiter::Clock::now());
    if (!verified) {
      refused_sign_ins_.write(
          LogLevel::warn, "failed sign-in for user " + printable(user) + " from " + client.peer);
      return admitted({{}, unauthorized(format), kRefusalDelay});
    }
    admitted({principal_of(*verified), {}});
  };
  const auto priority =
      decision.standing == LoginLimiter::Standing::good      ? SlowWorkPool::Priority::high
      : decision.standing == LoginLimiter::Standing::unknown ? SlowWorkPool::Priority::normal
                                                             : SlowWorkPool::Priority::low;
  if (!offload_(priority, std::move(verify), [open = client.open] { return !open(); })) {
    login_limiter_.finished(client.peer, user_name, LoginLimiter::Result::abandoned,
                            LoginLimiter::Clock::now());
    admitted({{}, busy(out)});
  }
}

void Api::handle(HttpRequest request, Respond respond, Lead lead) {
  auto shared = std::make_shared<HttpRequest>(std::move(request));
  // Admitted on this thread (a cached credential): `lead` holds; on another, write at once.
  admit(*shared, {},
        [this, shared, respond, lead,
         caller_thread = std::this_thread::get_id()](Admission admission) mutable {
          if (!admission.principal) return respond(std::move(admission.answer));
          handle(*shared, caller_of(*admission.principal), std::move(respond),
                 std::this_thread::get_id() == caller_thread ? lead : Lead::now);
        });
}

void Api::respond_when_durable(domain::CommitQueue::Ticket ticket, HttpResponse response,
                               HttpResponse (*on_failure)(BodyFormat), BodyFormat out,
                               Respond respond, Lead lead) {
  instance_.when_durable(
      ticket,
      [this, respond = std::move(respond), response = std::move(response), on_failure,
       out](std::error_code error) mutable {
        note_write(error);
        respond(error ? on_failure(out) : std::move(response));
      },
      lead);
}

const RouteTable<Api::Handler>& Api::routes() {
  static const RouteTable<Handler> table{
      {"POST", {"awa", "documents", "{}", "{}", "offer"}, &Api::offer},
      {"POST", {"awa", "workitems", "{}", "assignments"}, &Api::assign},
      {"POST", {"awa", "inbox", "actions", "accept"}, &Api::accept},
      {"POST", {"awa", "inbox", "actions", "reject"}, &Api::reject},
      {"GET", {"awa", "inbox", "actions", "reject_reasons", "{}"}, &Api::reject_reasons},
      {"PUT", {"awa", "consult", "end"}, &Api::end_consult},
      {"GET", {"awa", "agents", "{}", "presence_states"}, &Api::presence_states},
      {"GET", {"awa", "agents", "{}", "capacities"}, &Api::capacities},
      {"GET", {"awa", "agents", "{}"}, &Api::agent},
      {"PUT", {"awa", "agents", "{}"}, &Api::set_presence},
      {"GET", {"awa-server", "stats"}, &Api::stats},
      {"GET", {"awa-server", "check"}, &Api::check},
      {"GET", {"awa-server", "events"}, &Api::events},
      {"GET", {"awa-server", "events", "stream"}, &Api::event_stream},
      {"GET", {"awa-server", "snapshots"}, &Api::list_snapshots},
      {"POST", {"awa-server", "snapshots"}, &Api::take_snapshot},
      {"GET", {"table", "{}"}, &Api::list_table},
      {"POST", {"table", "{}"}, &Api::create_record},
      {"GET", {"table", "{}", "{}"}, &Api::get_record},
      {"PUT", {"table", "{}", "{}"}, &Api::update_record},
      {"PATCH", {"table", "{}", "{}"}, &Api::update_record},
      {"DELETE", {"table", "{}", "{}"}, &Api::delete_record},
  };
  return table;
}

void Api::handle(const HttpRequest& request, const domain::Caller& caller, Respond respond,
                 Lead lead) {
  const auto format = response_format(request.accept);
  if (!format) {
    return respond(error_response(406, "Not Acceptable",
                                  "Supported response types: application/json, application/xml"));
  }
  const BodyFormat out = *format;
  const auto parsed = parse_route(request.target);
  if (!parsed) return respond(not_found_path(out));
  if (!*parsed) return respond(failure_response(parsed->failure(), out));
  const Route& route = parsed->value();
  const std::string& method = request.method;
  const bool has_body = method == "POST" || method == "PUT" || method == "PATCH";
  const auto in = request_format(request.content_type);
  if (has_body && !in) {
    return respond(error_response(415, "Unsupported Media Type",
                                  "Supported request types: application/json, application/xml",
                                  out));
  }
  const auto match = routes().find(method, route.path);
  if (match.handler == nullptr) {
    return respond(match.allow.empty() ? not_found_path(out)
                                       : method_not_allowed(match.allow, out));
  }
  // The body's tree lives only while the request is handled: its nodes come from a buffer on
  // the stack and are freed with it, not one by one (an offer's body takes about 1 KiB).
  unsigned char body_buffer[2048];
  boost::json::monotonic_resource body_memory(body_buffer, sizeof body_buffer);
  Call call{request, caller, route, out, in, std::move(respond), lead, &body_memory};
  (this->*(*match.handler))(call);
}

template <class Decode, class Refuse>
auto Api::decoded_body(Call& call, Decode decode, Refuse refuse)
    -> std::optional<typename decltype(decode(std::declval<const bj::object&>()))::value_type> {
  auto fields = parse_body(call.request.body, *call.in, call.body_memory);
  if (!fields) {
    call.respond(refuse(fields.failure(), call.out));
    return std::nullopt;
  }
  auto decoded = decode(fields.value());
  if (!decoded) {
    call.respond(refuse(decoded.failure(), call.out));
    return std::nullopt;
  }
  return std::move(decoded.value());
}

void Api::answer_when_durable(Call& call, domain::CommitQueue::Ticket ticket, HttpResponse response,
                              HttpResponse (*on_failure)(BodyFormat)) {
  respond_when_durable(ticket, std::move(response), on_failure, call.out, std::move(call.respond),
                       call.lead);
}

template <class DomainAnswer, class Encode>
void Api::answer(Call& call, DomainAnswer&& domain_answer, Encode encode) {
  HttpResponse response = domain_answer.outcome
                              ? render(200, encode(domain_answer.outcome.value()), call.out)
                              : failure_response(domain_answer.outcome.failure(), call.out);
  answer_when_durable(call, domain_answer.ticket, std::move(response), storage_error);
}

void Api::answer_offer(Call& call, domain::Answer<domain::OfferAccepted> domain_answer) {
  const auto success = [&] {
    const auto& accepted = domain_answer.outcome.value();
    if (call.out == BodyFormat::json) {
      return rendered(200, message::offer_success_json(accepted), call.out);
    }
    // The answer's tree, like the body's, in a buffer on the stack until it is rendered.
    unsigned char tree_buffer[1024];
    bj::monotonic_resource tree_memory(tree_buffer, sizeof tree_buffer);
    return render(200, message::offer_success(accepted, &tree_memory), call.out);
  };
  HttpResponse response =
      domain_answer.outcome ? success() : offer_failure(domain_answer.outcome.failure(), call.out);
  answer_when_durable(call, domain_answer.ticket, std::move(response), offer_storage_failure);
}

void Api::offer(Call& call) {
  auto decoded = decoded_body(call, message::decode_offer, offer_failure);
  if (!decoded) return;
  decoded->document_table = call.route.path[2];
  decoded->document_id = call.route.path[3];
  answer_offer(call, instance_.offer(call.caller, decoded.value()));
}

void Api::assign(Call& call) {
  const auto decoded = decoded_body(call, message::decode_assignment, offer_failure);
  if (!decoded) return;
  answer_offer(call, instance_.assign(call.caller, call.route.path[2], *decoded));
}

void Api::accept(Call& call) {
  inbox_action(call, &domain::Instance::accept);
}

void Api::reject(Call& call) {
  inbox_action(call, &domain::Instance::reject);
}

void Api::inbox_action(Call& call, InboxRule rule) {
  const auto action = decoded_body(call, message::decode_inbox_action, failure_response);
  if (!action) return;
  answer(call, (instance_.*rule)(call.caller, *action), message::inbox_action_done);
}

void Api::reject_reasons(Call& call) {
  answer(call, instance_.reject_reasons(call.caller, call.route.path[4]), message::reject_reasons);
}

void Api::end_consult(Call& call) {
  const auto request_end = decoded_body(call, message::decode_consult_end, failure_response);
  if (!request_end) return;
  answer(call, instance_.end_consult(call.caller, *request_end),
         [](const std::string&) { return message::consult_ended(); });
}

void Api::presence_states(Call& call) {
  answer(call, instance_.presence_states(call.caller, call.route.path[2]),
         message::presence_states);
}

void Api::capacities(Call& call) {
  answer(call, instance_.capacities(call.caller, call.route.path[2]), message::capacities);
}

void Api::agent(Call& call) {
  answer(call, instance_.agent(call.caller, call.route.path[2]), message::agent);
}

void Api::set_presence(Call& call) {
  const auto presence = decoded_body(call, message::decode_presence, failure_response);
  if (!presence) return;
  answer(call, instance_.set_agent_presence(call.caller, call.route.path[2], *presence),
         message::agent);
}

// This server's own figures (timer punctuality, group commit, the lock), admin only.
void Api::stats(Call& call) {
  if (!call.caller.roles.has(domain::Role::admin)) return call.respond(admin_only(call.out));
  const message::ServerStats stats{instance_.record_count(),
                                   instance_.pending_timeouts(),
                                   instance_.timeout_stats(),
                                   instance_.commit_stats(),
                                   instance_.lock_stats(),
                                   instance_.event_tail().last(),
                                   event_streams_.open.load(std::memory_order_relaxed),
                                   event_streams_.closed_slow.load(std::memory_order_relaxed)};
  call.respond(render(200, message::server_stats(stats), call.out));
}

// What the contract forbids, found in the state now (and countdowns without a timer); empty
// when all is well. Admin only: it reads every record, in steps, and not on an I/O thread.
void Api::check(Call& call) {
  if (!call.caller.roles.has(domain::Role::admin)) return call.respond(admin_only(call.out));
  auto check = [this, out = call.out, respond = call.respond](bool run) {
    if (!run) return respond(busy(out));
    bj::array found;
    for (auto& v : instance_.violations()) found.emplace_back(std::move(v));
    respond(render(200, bj::object{{"result", bj::object{{"violations", found}}}}, out));
  };
  if (!offload_(SlowWorkPool::Priority::low, std::move(check), nullptr)) {
    call.respond(busy(call.out));
  }
}

// The snapshots kept, admin only.
void Api::list_snapshots(Call& call) {
  if (snapshots_ == nullptr) return call.respond(not_found_path(call.out));
  if (!call.caller.roles.has(domain::Role::admin)) return call.respond(admin_only(call.out));
  bj::array names;
  for (auto& name : snapshots_->list()) names.emplace_back(std::move(name));
  call.respond(render(200, bj::object{{"result", std::move(names)}}, call.out));
}

// A snapshot of exactly what was acknowledged before this request, admin only.
void Api::take_snapshot(Call& call) {
  if (snapshots_ == nullptr) return call.respond(not_found_path(call.out));
  if (!call.caller.roles.has(domain::Role::admin)) return call.respond(admin_only(call.out));
  snapshots_->take([respond = std::move(call.respond), out = call.out](
                       std::error_code error, const std::filesystem::path& path) {
    if (error) {
      return respond(error_response(503, "Service Unavailable",
                                    "The snapshot could not be written: " + error.message(), out));
    }
    respond(render(201,
                   bj::object{{"result", bj::object{{"name", path.filename().string()},
                                                    {"path", path.string()}}}},
                   out));
  });
}

std::optional<std::vector<std::string>> Api::selected_fields(const Call& call) {
  const auto list = call.route.param("sysparm_fields");
  auto fields = list ? split_fields(*list) : std::vector<std::string>{};
  if (fields.empty()) return std::nullopt;
  return fields;
}

void Api::list_table(Call& call) {
  const auto& route = call.route;
  domain::ListRequest list{route.path[1], route.param("sysparm_query"),
                           route.param("sysparm_limit"), route.param("sysparm_offset")};
  const auto fields = selected_fields(call);
  list_records(call.caller, std::move(list), fields ? &*fields : nullptr, call.out,
               std::move(call.respond));
}

void Api::get_record(Call& call) {
  const auto fields = selected_fields(call);
  const auto* selected = fields ? &*fields : nullptr;
  answer(call, instance_.get(call.caller, call.route.path[1], call.route.path[2]),
         [selected](const domain::Record& r) { return message::record(r, selected); });
}

void Api::create_record(Call& call) {
  const auto fields = selected_fields(call);
  write_record(call.route.path, call.request, call.caller, call.out, fields ? &*fields : nullptr,
               std::move(call.respond), call.lead);
}

void Api::update_record(Call& call) {
  create_record(call);  // the path tells them apart
}

void Api::delete_record(Call& call) {
  auto result = instance_.remove(call.caller, call.route.path[1], call.route.path[2]);
  if (result.outcome && call.route.path[1] == "awa_webhook") webhooks_changed_();
  HttpResponse response = result.outcome ? HttpResponse{204, {}, {}, {}, {}}
                                         : failure_response(result.outcome.failure(), call.out);
  answer_when_durable(call, result.ticket, std::move(response), storage_error);
}

void Api::list_records(const domain::Caller& caller, domain::ListRequest request,
                       const std::vector<std::string>* fields, BodyFormat out, Respond respond) {
  // A list may read a large table (in steps) and render thousands of records: not on an I/O
  // thread. Off it, no flush follows, so the answer is led at once.
  auto list = [this, caller, request = std::move(request),
               wanted = fields ? std::optional(*fields) : std::nullopt, out,
               respond](bool run) mutable {
    if (!run) return respond(busy(out));
    auto listed = instance_.list(caller, request);
    if (!listed.outcome) {
      return respond_when_durable(listed.ticket, failure_response(listed.outcome.failure(), out),
                                  storage_error, out, std::move(respond), Lead::now);
    }
    auto body = message::records_body(listed.outcome.value(), wanted ? &*wanted : nullptr, out,
                                      max_answer_bytes_);
    HttpResponse response =
        body ? rendered(200, std::move(*body), out)
             : error_response(400, "Bad Request",
                              "The answer would take more than " +
                                  std::to_string(max_answer_bytes_ >> 20) +
                                  " MiB (--max-answer-mib): ask for fewer records "
                                  "(sysparm_limit, sysparm_offset) or fields (sysparm_fields)",
                              out);
    respond_when_durable(listed.ticket, std::move(response), storage_error, out, std::move(respond),
                         Lead::now);
  };
  if (!offload_(SlowWorkPool::Priority::low, std::move(list), nullptr)) respond(busy(out));
}

// The secret a new webhook is made with: the one given, else a new one, added to `values`.
std::string Api::webhook_secret(domain::FieldValues& values) {
  for (const auto& [name, value] : values) {
    if (name == "secret" && !value.empty()) return value;
  }
  std::erase_if(values, [](const auto& field) { return field.first == "secret"; });
  values.emplace_back("secret", new_webhook_secret());
  return values.back().second;
}

void Api::write_record(const std::vector<std::string>& path, const HttpRequest& request,
                       const domain::Caller& caller, BodyFormat out,
                       const std::vector<std::string>* fields, Respond respond, Lead lead) {
  auto parsed = parse_body(request.body, *request_format(request.content_type));
  if (!parsed) return respond(failure_response(parsed.failure(), out));
  auto given = message::decode_fields(parsed.value());
  if (!given) return respond(failure_response(given.failure(), out));
  const bool hashes = instance_.hashes_a_password(caller, path[1], given.value());
  const std::optional<std::vector<std::string>> wanted =
      fields ? std::optional(*fields) : std::nullopt;
  // A new webhook's secret, generated when not given, is shown once: in the answer that made it.
  std::optional<std::string> secret;
  if (path.size() == 2 && path[1] == "awa_webhook") secret = webhook_secret(given.value());
  // Runs where it is called: on the I/O thread, or (hashing a password) on the slow pool.
  auto write = [this, path, caller, out, wanted, values = std::move(given.value()), secret,
                respond](Lead lead) mutable {
    const auto* selected = wanted ? &*wanted : nullptr;
    auto result = path.size() == 2 ? instance_.create(caller, path[1], std::move(values))
                                   : instance_.update(caller, path[1], path[2], std::move(values));
    HttpResponse response;
    if (result.outcome) {
      auto body = message::record(result.outcome.value(), selected);
      if (secret) body.at("result").as_object()["secret"] = *secret;
      if (path[1] == "awa_webhook") webhooks_changed_();
      response = render(path.size() == 2 ? 201 : 200, body, out);
    } else {
      response = failure_response(result.outcome.failure(), out);
    }
    respond_when_durable(result.ticket, std::move(response), storage_error, out, std::move(respond),
                         lead);
  };
  if (!hashes) return write(lead);
  // A password hash takes tens of milliseconds: not on the I/O thread. Off it, no flush follows,
  // so the answer writes at once.
  auto work = [write, respond, out](bool run) mutable {
    if (!run) return respond(busy(out));
    write(Lead::now);
  };
  if (!offload_(SlowWorkPool::Priority::high, std::move(work), nullptr)) respond(busy(out));
}

}  // namespace awa::server
