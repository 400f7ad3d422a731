// Request targets to routes: plain paths, split without the URL grammar, give what the grammar
// gives; everything else goes by the grammar.
#include "server/route.hpp"

#include <boost/test/unit_test.hpp>

using awa::server::parse_route;
using awa::server::parse_route_by_url_grammar;
using awa::server::Route;

namespace {

// The route's path, or "none" / the failure's message.
std::string describe(const std::optional<awa::domain::Outcome<Route>>& parsed) {
  if (!parsed) return "none";
  if (!*parsed) return "failure: " + parsed->failure().message;
  std::string out;
  for (const auto& part : parsed->value().path) out += "[" + part + "]";
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(route)

BOOST_AUTO_TEST_CASE(plain_paths_split_as_the_url_grammar_splits_them) {
  for (const std::string target :
       {"/api/now/awa/documents/interaction/59616aba87bd5210be070d48dabb35e6/offer",
        "/api/now/v1/table/awa_queue",
        "/api/now/v2/awa/agents/x",
        "/api/now/v9/table/x",
        "/api/now/v/table",
        "/api/now/vv1/x",
        "/api/now",
        "/api/now/",
        "/api/now/v1",
        "/api",
        "/",
        "//",
        "/api//now/x",
        "/api/now//x",
        "/api/now/x/",
        "/api/now/./x/../y",
        "/API/now/x",
        "/api/now/a-b_c.d~e",
        "/healthz",
        "/other/now/x"}) {
    BOOST_TEST_CONTEXT(target) {
      BOOST_TEST(describe(parse_route(target)) == describe(parse_route_by_url_grammar(target)));
    }
  }
}

BOOST_AUTO_TEST_CASE(what_a_route_is_made_of) {
  BOOST_TEST(describe(parse_route("/api/now/v1/table/awa_queue")) == "[table][awa_queue]");
  BOOST_TEST(describe(parse_route("/api/now/v9/table/x")) == "failure: Invalid API version v9");
  BOOST_TEST(describe(parse_route("/api/now/x/")) == "[x][]");
  BOOST_TEST(describe(parse_route("/api/other/x")) == "none");
}

BOOST_AUTO_TEST_CASE(escapes_queries_and_bad_targets_go_by_the_url_grammar) {
  BOOST_TEST(describe(parse_route("/api/now/table/a%62c")) == "[table][abc]");
  BOOST_TEST(describe(parse_route("/api/now/table/a%2Fb")) == "[table][a/b]");  // one segment
  const auto with_query = parse_route("/api/now/table/x?sysparm_limit=5&sysparm_fields=a,b");
  BOOST_REQUIRE(with_query && *with_query);
  BOOST_TEST(describe(with_query) == "[table][x]");
  BOOST_TEST(with_query->value().param("sysparm_limit").value_or("none") == "5");
  BOOST_TEST(with_query->value().param("sysparm_fields").value_or("none") == "a,b");
  for (const std::string bad :
       {"", "api/now/x", "/api/now/x y", "/api/now/%zz", "*", "http://host/api/now/x"}) {
    BOOST_TEST(describe(parse_route(bad)) == "none", bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()
