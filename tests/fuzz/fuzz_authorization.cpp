// The Authorization header: parsed, verified against the demo users (an unknown user is checked
// against a dummy hash), cached; a request carrying it is answered 401 (429 once its failures
// pass the sign-in limits) or as that user.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string header(reinterpret_cast<const char*>(data), size);
  auto& world = awa::fuzz::World::get();
  const auto credentials = awa::server::parse_basic_authorization(header);
  const auto caller = world.authenticator.verify(header);
  if (caller && !credentials) std::abort();  // verified without being a Basic header
  if (caller && !world.authenticator.cached(header)) std::abort();  // verified, then cached
  awa::server::HttpRequest request{
      "GET", "/api/now/table/awa_queue?sysparm_limit=1", header, "", "", ""};
  const auto answer = world.handle(std::move(request));
  awa::fuzz::check_answer(answer);
  // Refused (401, or 429 once this one client has failed too often) exactly when not verified.
  const bool refused = answer.status == 401 || answer.status == 429;
  if (refused == caller.has_value()) std::abort();
  return 0;
}
