// Table API lists as answers: a long one is rendered on the slow pool rather than the I/O
// thread, one over the size limit is refused (400, naming what to ask for), and either format
// comes out the same whether rendered here or there.
#include <boost/test/unit_test.hpp>

#include <future>

#include "tests/server/api_fixture.hpp"

using namespace awa;
using namespace awa::testing;

namespace {

struct AnswersFixture {
  AnswersFixture() {
    BOOST_REQUIRE(!instance.initialize({"admin-pw", true}));
    const auto admin_caller = domain::Caller{{}, domain::Roles::parse("admin")};
    for (int i = 0; i < 300; ++i) {
      const auto created = instance.create(
          admin_caller, "interaction",
          {{"number", "N" + std::to_string(i)}, {"short_description", std::string(100, 'd')}});
      BOOST_REQUIRE(created.outcome.ok());
    }
    list("sysparm_limit=1");  // signs in (a hash on the held pool): later lists are cached
    offloaded = 0;
  }

  // The list's answer, with the slow pool's work run as it is queued (and counted).
  HttpResponse list(const std::string& query, std::string accept = {}) {
    auto answered = std::make_shared<std::promise<HttpResponse>>();
    auto answer = answered->get_future();
    api.handle(HttpRequest{"GET", "/api/now/table/interaction?" + query, basic("admin:admin-pw"),
                           "", std::move(accept), ""},
               [answered](HttpResponse r) { answered->set_value(std::move(r)); });
    while (!work.held.empty()) {  // queued by the calling thread, before handle() returned
      offloaded += work.held.size();
      work.run_all();
    }
    // The answer waits for what it saw to be durable: maybe the commit queue's thread sends it.
    BOOST_REQUIRE(answer.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return answer.get();
  }

  domain::SystemClock clock;
  MemoryLog log;
  server::SodiumPasswordHasher hasher;
  domain::Instance instance{clock, log, hasher, false};
  server::Authenticator authenticator{instance, hasher};
  HeldWork work;
  server::Api api{instance, authenticator, work.offload(), nullptr,
                  server::ApiOptions{{1e6, 1e6}, 40 * 1024}};
  std::size_t offloaded = 0;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(answers, AnswersFixture)

BOOST_AUTO_TEST_CASE(every_list_is_read_and_rendered_off_the_calling_thread) {
  const auto short_list = list("sysparm_limit=2&sysparm_fields=number");
  BOOST_TEST(short_list.status == 200u);
  BOOST_TEST(offloaded == 1u);
  const auto long_list = list("sysparm_limit=300&sysparm_fields=number");
  BOOST_TEST(long_list.status == 200u);
  BOOST_TEST(offloaded == 2u);
  BOOST_TEST(parse(long_list).at("result").as_array().size() == 300u);
  const auto xml = list("sysparm_limit=300&sysparm_fields=number", "application/xml");
  BOOST_TEST(xml.status == 200u);
  BOOST_TEST(xml.body.starts_with(
      R"(<?xml version="1.0" encoding="UTF-8"?><response><result><entry><number>N)"));
  BOOST_TEST(xml.body.ends_with("</number></entry></result></response>"));
}

BOOST_AUTO_TEST_CASE(a_list_over_the_size_limit_is_refused) {
  const auto over = list("sysparm_limit=300");  // some 50 KB, over the 40 KiB set here
  BOOST_TEST(over.status == 400u);
  BOOST_TEST(parse(over).at("error").at("detail").as_string().find("sysparm_limit") !=
             std::string::npos);
  const auto fewer = list("sysparm_limit=100");
  BOOST_TEST(fewer.status == 200u);
  BOOST_TEST(fewer.body.size() < 40u * 1024);
}

BOOST_AUTO_TEST_SUITE_END()
