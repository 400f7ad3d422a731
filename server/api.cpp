#include "server/api.hpp"

#include <boost/url/parse.hpp>

#include <memory>

#include "server/json_codec.hpp"

namespace awa::server {
namespace {

using domain::errc;

unsigned status_of(errc kind) {
  switch (kind) {
    case errc::bad_request:
      return 400;
    case errc::forbidden:
      return 403;
    case errc::not_found:
      return 404;
    case errc::method_not_allowed:
      return 405;
    case errc::conflict:
      return 409;
    case errc::storage_failure:
      return 500;
  }
  return 500;
}

HttpResponse json_response(unsigned status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse unauthorized() {
  HttpResponse r =
      Api::error_response(401, "User Not Authenticated", "Required to provide Auth information");
  r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"awa-server\"");
  return r;
}

HttpResponse not_found_path() {
  return Api::error_response(404, "Requested URI does not represent any resource");
}

HttpResponse method_not_allowed(std::string_view allow) {
  HttpResponse r =
      Api::error_response(405, "Method not Supported", "Allowed methods: " + std::string(allow));
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

HttpResponse failure_response(const domain::Failure& failure) {
  HttpResponse r = Api::error_response(
      status_of(failure.kind), failure.message,
      failure.detail ? std::optional<std::string_view>(*failure.detail) : std::nullopt);
  if (failure.kind == errc::method_not_allowed) r.headers.emplace_back("Allow", "GET");
  return r;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The media type of a Content-Type or Accept entry, without parameters, lower case.
std::string media_type(std::string_view entry) {
  return lower(trim(entry.substr(0, entry.find(';'))));
}

// Whether the client takes JSON: no Accept, or any entry that JSON satisfies.
bool accepts_json(std::string_view accept) {
  if (trim(accept).empty()) return true;
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    const std::string type = media_type(accept.substr(0, comma));
    if (type == "application/json" || type == "application/*" || type == "*/*") return true;
    if (comma == std::string_view::npos) break;
    accept.remove_prefix(comma + 1);
  }
  return false;
}

bool body_is_json(const HttpRequest& request) {
  return request.content_type.empty() || media_type(request.content_type) == "application/json";
}

// A request target split into the API path (after /api/now and the version) and parameters.
struct Route {
  std::vector<std::string> path;  // e.g. {"awa", "documents", "interaction", "<id>", "offer"}
  std::vector<std::pair<std::string, std::string>> params;
  const std::string* param(std::string_view name) const {
    for (const auto& [k, v] : params) {
      if (k == name) return &v;
    }
    return nullptr;
  }
};

bool known_version(std::string_view segment) {
  return segment == "v1" || segment == "v2";
}
bool looks_like_version(std::string_view segment) {
  return segment.size() >= 2 && segment[0] == 'v' &&
         segment.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
}

// Empty optional: no such resource. A failure: a version this server does not serve.
std::optional<domain::Outcome<Route>> parse_route(std::string_view target) {
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  Route route;
  for (const auto& segment : url->segments()) route.path.emplace_back(segment);
  if (route.path.size() < 3 || route.path[0] != "api" || route.path[1] != "now") {
    return std::nullopt;
  }
  route.path.erase(route.path.begin(), route.path.begin() + 2);
  if (looks_like_version(route.path[0])) {
    if (!known_version(route.path[0])) {
      return domain::Outcome<Route>(
          domain::fail(errc::bad_request, "Invalid API version " + route.path[0]));
    }
    route.path.erase(route.path.begin());
  }
  for (const auto& param : url->params()) {
    route.params.emplace_back(std::string(param.key), std::string(param.value));
  }
  return domain::Outcome<Route>(std::move(route));
}

std::vector<std::string> split_fields(const std::string& list) {
  std::vector<std::string> fields;
  std::string_view rest = list;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto name = trim(rest.substr(0, comma));
    if (!name.empty()) fields.emplace_back(name);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return fields;
}

}  // namespace

HttpResponse Api::error_response(unsigned status, std::string_view message,
                                 std::optional<std::string_view> detail) {
  return json_response(status, json::error(message, detail));
}

Api::Api(domain::Instance& instance, Authenticator& authenticator, Offload offload)
    : instance_(instance), authenticator_(authenticator), offload_(std::move(offload)) {}

void Api::handle(HttpRequest request, Respond respond) {
  if (request.authorization.empty() || !parse_basic_authorization(request.authorization)) {
    return respond(unauthorized());
  }
  if (auto caller = authenticator_.cached(request.authorization)) {
    return dispatch(request, *caller, std::move(respond));
  }
  auto shared = std::make_shared<HttpRequest>(std::move(request));
  offload_([this, shared, respond = std::move(respond)]() mutable {
    const auto caller = authenticator_.verify(shared->authorization);
    if (!caller) return respond(unauthorized());
    dispatch(*shared, *caller, std::move(respond));
  });
}

void Api::dispatch(const HttpRequest& request, const domain::Caller& caller, Respond respond) {
  if (!accepts_json(request.accept)) {
    return respond(
        error_response(406, "Not Acceptable", "Supported response types: application/json"));
  }
  const auto parsed = parse_route(request.target);
  if (!parsed) return respond(not_found_path());
  if (!*parsed) return respond(failure_response(parsed->failure()));
  const Route& route = parsed->value();
  const auto& path = route.path;
  const std::string& method = request.method;
  const bool has_body = method == "POST" || method == "PUT" || method == "PATCH";
  if (has_body && !body_is_json(request)) {
    return respond(
        error_response(415, "Unsupported Media Type", "Supported request types: application/json"));
  }

  // Sends `response` once what it reflects is durable; a failed write becomes a 500.
  const auto answer_when_durable = [&](domain::CommitQueue::Ticket ticket, HttpResponse response,
                                       HttpResponse on_storage_failure) {
    instance_.when_durable(ticket,
                           [respond = std::move(respond), response = std::move(response),
                            failed = std::move(on_storage_failure)](std::error_code error) mutable {
                             respond(error ? std::move(failed) : std::move(response));
                           });
  };
  const auto storage_error = [] {
    return error_response(500, "Internal server error", "The change could not be saved");
  };
  // The usual shape: an answer in the result envelope, or the platform's error envelope.
  const auto answer = [&](auto&& domain_answer, unsigned ok_status, auto encode) {
    HttpResponse response = domain_answer.outcome
                                ? json_response(ok_status, encode(domain_answer.outcome.value()))
                                : failure_response(domain_answer.outcome.failure());
    answer_when_durable(domain_answer.ticket, std::move(response), storage_error());
  };

  // POST awa/documents/{table}/{sys_id}/offer
  if (path.size() == 5 && path[0] == "awa" && path[1] == "documents" && path[4] == "offer") {
    if (method != "POST") return respond(method_not_allowed("POST"));
    auto decoded = json::decode_offer(request.body);
    if (!decoded) {
      return respond(json_response(400, json::offer_failure(decoded.failure().message)));
    }
    decoded->document_table = path[2];
    decoded->document_id = path[3];
    auto result = instance_.offer(caller, decoded.value());
    HttpResponse response =
        result.outcome ? json_response(200, json::offer_success(result.outcome.value()))
                       : json_response(status_of(result.outcome.failure().kind),
                                       json::offer_failure(result.outcome.failure().message));
    return answer_when_durable(
        result.ticket, std::move(response),
        json_response(500, json::offer_failure("The change could not be saved")));
  }

  // POST awa/workitems/{sys_id}/assignments (Manual Assignment)
  if (path.size() == 4 && path[0] == "awa" && path[1] == "workitems" && path[3] == "assignments") {
    if (method != "POST") return respond(method_not_allowed("POST"));
    auto fields = json::decode_assignment(request.body);
    if (!fields) return respond(json_response(400, json::offer_failure(fields.failure().message)));
    auto result = instance_.assign(caller, path[2], fields.value());
    HttpResponse response =
        result.outcome ? json_response(200, json::offer_success(result.outcome.value()))
                       : json_response(status_of(result.outcome.failure().kind),
                                       json::offer_failure(result.outcome.failure().message));
    return answer_when_durable(
        result.ticket, std::move(response),
        json_response(500, json::offer_failure("The change could not be saved")));
  }

  // POST awa/inbox/actions/{accept|reject}, GET awa/inbox/actions/reject_reasons/{channel}
  if (path.size() >= 4 && path[0] == "awa" && path[1] == "inbox" && path[2] == "actions") {
    if (path.size() == 4 && (path[3] == "accept" || path[3] == "reject")) {
      if (method != "POST") return respond(method_not_allowed("POST"));
      auto action = json::decode_inbox_action(request.body);
      if (!action) return respond(failure_response(action.failure()));
      return path[3] == "accept"
                 ? answer(instance_.accept(caller, action.value()), 200, json::inbox_action_done)
                 : answer(instance_.reject(caller, action.value()), 200, json::inbox_action_done);
    }
    if (path.size() == 5 && path[3] == "reject_reasons") {
      if (method != "GET") return respond(method_not_allowed("GET"));
      return answer(instance_.reject_reasons(caller, path[4]), 200, json::reject_reasons);
    }
    return respond(not_found_path());
  }

  // GET awa/agents/{user_id}/presence_states, GET awa/agents/{user_id}/capacities
  if (path.size() == 4 && path[0] == "awa" && path[1] == "agents" &&
      (path[3] == "presence_states" || path[3] == "capacities")) {
    if (method != "GET") return respond(method_not_allowed("GET"));
    return path[3] == "capacities"
               ? answer(instance_.capacities(caller, path[2]), 200, json::capacities)
               : answer(instance_.presence_states(caller, path[2]), 200, json::presence_states);
  }

  // GET/PUT awa/agents/{user_id}
  if (path.size() == 3 && path[0] == "awa" && path[1] == "agents") {
    if (method == "GET") return answer(instance_.agent(caller, path[2]), 200, json::agent);
    if (method == "PUT") {
      auto presence = json::decode_presence(request.body);
      if (!presence) return respond(failure_response(presence.failure()));
      return answer(instance_.set_agent_presence(caller, path[2], presence.value()), 200,
                    json::agent);
    }
    return respond(method_not_allowed("GET, PUT"));
  }

  // table/{table}[/{sys_id}]
  if ((path.size() == 2 || path.size() == 3) && path[0] == "table") {
    const std::string* fields_param = route.param("sysparm_fields");
    const auto fields = fields_param ? split_fields(*fields_param) : std::vector<std::string>{};
    const auto* selected = fields.empty() ? nullptr : &fields;
    const auto encode_record = [selected](const domain::Record& r) {
      return json::record(r, selected);
    };
    const auto optional_param = [&](std::string_view name) -> std::optional<std::string> {
      const std::string* value = route.param(name);
      return value ? std::optional<std::string>(*value) : std::nullopt;
    };
    if (path.size() == 2) {
      if (method == "GET") {
        domain::ListRequest list{path[1], optional_param("sysparm_query"),
                                 optional_param("sysparm_limit"), optional_param("sysparm_offset")};
        return answer(instance_.list(caller, list), 200,
                      [selected](const std::vector<domain::Record>& rs) {
                        return json::records(rs, selected);
                      });
      }
      if (method == "POST") {
        auto values = json::decode_fields(request.body);
        if (!values) return respond(failure_response(values.failure()));
        return answer(instance_.create(caller, path[1], std::move(values.value())), 201,
                      encode_record);
      }
      return respond(method_not_allowed("GET, POST"));
    }
    if (method == "GET") return answer(instance_.get(caller, path[1], path[2]), 200, encode_record);
    if (method == "PUT" || method == "PATCH") {
      auto values = json::decode_fields(request.body);
      if (!values) return respond(failure_response(values.failure()));
      return answer(instance_.update(caller, path[1], path[2], std::move(values.value())), 200,
                    encode_record);
    }
    if (method == "DELETE") {
      auto result = instance_.remove(caller, path[1], path[2]);
      HttpResponse response = result.outcome ? HttpResponse{204, {}, {}, {}}
                                             : failure_response(result.outcome.failure());
      return answer_when_durable(result.ticket, std::move(response), storage_error());
    }
    return respond(method_not_allowed("GET, PUT, PATCH, DELETE"));
  }
  respond(not_found_path());
}

}  // namespace awa::server
