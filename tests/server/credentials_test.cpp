// Credentials that must never sign anyone in: an empty password (JSON null, "", XML's empty
// element) is refused as a value, naming the field; a user with no password, or an empty one
// given, never authenticates; a user name Basic auth cannot carry (with ':') is refused.
#include <boost/test/unit_test.hpp>

#include "domain/record.hpp"
#include "tests/server/api_fixture.hpp"

using namespace awa;
using namespace awa::testing;

namespace {

const std::string kUsers = "/api/now/table/sys_user";

std::string admin_id(ApiFixture& f) {
  const auto found = f.call("GET", kUsers + "?sysparm_query=user_name%3Dadmin");
  return std::string(parse(found).at("result").as_array().at(0).at("sys_id").as_string());
}

void expect_refused_naming(const HttpResponse& r, const std::string& field) {
  BOOST_TEST(r.status == 400u, r.body);
  BOOST_TEST(r.body.find("field " + field) != std::string::npos, r.body);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(credentials, ApiFixture)

BOOST_AUTO_TEST_CASE(an_empty_password_is_never_set_and_never_signs_in) {
  const std::string admin = kUsers + "/" + admin_id(*this);
  for (const std::string method : {"PATCH", "PUT"}) {
    expect_refused_naming(
        call(method, admin, R"({"password": null})", basic("admin:admin-pw"), "application/json"),
        "password");
    expect_refused_naming(
        call(method, admin, R"({"password": ""})", basic("admin:admin-pw"), "application/json"),
        "password");
    expect_refused_naming(call(method, admin, "<request><password/></request>",
                               basic("admin:admin-pw"), "application/xml"),
                          "password");
  }
  // Unchanged: the old password still works, an empty one never does.
  BOOST_TEST(call("GET", kUsers, {}, basic("admin:")).status == 401u);
  BOOST_TEST(call("GET", kUsers, {}, basic("admin:admin-pw")).status == 200u);

  expect_refused_naming(call("POST", kUsers, R"({"user_name": "victim", "password": ""})"),
                        "password");
  expect_refused_naming(call("POST", kUsers, R"({"user_name": "victim", "password": null})"),
                        "password");
  BOOST_TEST(call("GET", kUsers + "?sysparm_query=user_name%3Dvictim").body == R"({"result":[]})");
}

BOOST_AUTO_TEST_CASE(a_user_without_a_password_never_signs_in) {
  const auto created =
      call("POST", kUsers, R"({"user_name": "nopass", "roles": "awa_integration_user"})");
  BOOST_REQUIRE(created.status == 201u);
  BOOST_TEST(call("GET", "/api/now/table/awa_queue", {}, basic("nopass:")).status == 401u);
  BOOST_TEST(call("GET", "/api/now/table/awa_queue", {}, basic("nopass:x")).status == 401u);
}

BOOST_AUTO_TEST_CASE(a_stored_hash_of_the_empty_password_signs_no_one_in) {
  // As an earlier version could leave it: a password hash made of "".
  testing::MemoryLog old_log;
  domain::Record user =
      domain::blank_record(domain::Table::sys_user, domain::SysIdGenerator{}.next());
  user.values[domain::user_field::user_name] = "victim";
  user.values[domain::user_field::password] = hasher.hash("");
  user.values[domain::user_field::roles] = "admin";
  user.values[domain::user_field::active] = "true";
  const domain::ChangeSet set{{domain::Table::sys_user, user.id, std::nullopt, user}};
  const domain::ChangeSet* sets[] = {&set};
  BOOST_REQUIRE(!old_log.write(sets, {}, false));
  domain::Instance old(clock, old_log, hasher, false);
  BOOST_REQUIRE(!old.load());
  server::Authenticator auth(old, hasher);
  BOOST_TEST(!auth.verify(basic("victim:")));
}

BOOST_AUTO_TEST_CASE(a_user_name_basic_auth_cannot_carry_is_refused) {
  expect_refused_naming(call("POST", kUsers, R"({"user_name": "ops:team", "password": "Secr3t!"})"),
                        "user_name");
  const auto grace = call("POST", kUsers, R"({"user_name": "grace", "password": "Secr3t!"})");
  BOOST_REQUIRE(grace.status == 201u);
  const std::string id(parse(grace).at("result").at("sys_id").as_string());
  expect_refused_naming(call("PATCH", kUsers + "/" + id, R"({"user_name": "gr:ace"})",
                             basic("admin:admin-pw"), "application/json"),
                        "user_name");
  BOOST_TEST(call("GET", kUsers + "?sysparm_query=user_name%3Dgrace").body.find("grace") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
