// A demo server that makes outcome events on demand, for the stream's and the webhooks' tests:
// bob goes Away, then Available, in turn, each switch one awa.agent.presence_changed event.
#pragma once

#include "domain/presence_states.hpp"
#include "tests/e2e/e2e_fixture.hpp"

namespace awa::testing {

struct PresenceSwitchingServer : DemoServer {
  explicit PresenceSwitchingServer(std::vector<std::string> extra = {})
      : DemoServer(std::move(extra)) {}

  void switch_presence(int times) {
    namespace ps = domain::presence_states;
    HttpClient client = this->client();
    for (int i = 0; i < times; ++i) {
      const auto reply = client.request(
          "PUT", "/api/now/awa/agents/" + demo::bob,
          R"({"presence": {"sys_id": ")" + std::string(away_ ? ps::available : ps::away) + R"("}})",
          {{"Authorization", integration()}, {"Content-Type", "application/json"}});
      BOOST_REQUIRE_MESSAGE(reply.status == 200u, reply.body);
      away_ = !away_;
    }
  }

private:
  bool away_ = false;
};

}  // namespace awa::testing
