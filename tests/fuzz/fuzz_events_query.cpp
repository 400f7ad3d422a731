// The events API's query string: any bytes after "?" are parsed as the route's parameters, then
// as the events query's; a query that parses (with no wait) is answered by the API.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/event_query_params.hpp"
#include "tests/fuzz/fuzz_world.hpp"

using namespace awa;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string target =
      "/api/now/awa-server/events?" + std::string(reinterpret_cast<const char*>(data), size);
  const auto route = server::parse_route(target);
  if (!route || !*route) return 0;
  domain::EventQuery query;
  std::chrono::seconds wait{0};
  if (const auto refused = server::parse_event_query(route->value(), query, wait)) {
    if (refused->status != 400 || refused->body.find("parameter") == std::string::npos) {
      std::abort();  // a refusal names the parameter
    }
    return 0;
  }
  if (query.limit < 1 || query.limit > domain::EventQuery::kMaxLimit || wait.count() < 0 ||
      wait.count() > server::kMaxWaitSeconds) {
    std::abort();
  }
  if (wait.count() != 0) return 0;  // a long poll would wait: its parameters are what is fuzzed
  auto& world = fuzz::World::get();
  const auto answer = world.handle(
      {"GET", target, "Basic YWRtaW46YWRtaW4=", "", "application/json", ""});  // admin:admin
  fuzz::check_answer(answer);
  if (answer.status != 200 && answer.status != 410) std::abort();
  return 0;
}
