// Standard Webhooks' signing: the scheme's own test vector, new secrets, and what is not a
// secret. (The e2e tests check signatures with Python's hmac too.)
#include "server/webhook_signature.hpp"

#include <boost/test/unit_test.hpp>

#include "server/webhook_connection.hpp"

using namespace awa::server;

BOOST_AUTO_TEST_SUITE(webhook_signing)

BOOST_AUTO_TEST_CASE(the_standard_webhooks_test_vector) {
  const auto key = webhook_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  BOOST_REQUIRE(key);
  BOOST_TEST(key->size() == 24u);
  BOOST_TEST(webhook_signature(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                               R"({"test": 2432232314})") ==
             "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

BOOST_AUTO_TEST_CASE(a_new_secret_is_24_random_bytes) {
  const auto a = new_webhook_secret();
  const auto b = new_webhook_secret();
  BOOST_TEST(a != b);
  BOOST_TEST(a.rfind("whsec_", 0) == 0u);
  BOOST_TEST(webhook_key(a)->size() == 24u);
  BOOST_TEST(!webhook_key("whsec_not base64!"));
  BOOST_TEST(!webhook_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
}

BOOST_AUTO_TEST_CASE(a_url_is_split_for_the_connection) {
  const auto url = WebhookUrl::parse("https://hooks.example.com/in/awa?team=7");
  BOOST_REQUIRE(url);
  BOOST_TEST(url->tls);
  BOOST_TEST(url->host == "hooks.example.com");
  BOOST_TEST(url->port == "443");
  BOOST_TEST(url->target == "/in/awa?team=7");
  const auto plain = WebhookUrl::parse("http://127.0.0.1:8089");
  BOOST_REQUIRE(plain);
  BOOST_TEST(plain->port == "8089");
  BOOST_TEST(plain->target == "/");
  BOOST_TEST(!WebhookUrl::parse("ftp://example.com/"));
  BOOST_TEST(!WebhookUrl::parse("/relative"));
}

BOOST_AUTO_TEST_SUITE_END()
