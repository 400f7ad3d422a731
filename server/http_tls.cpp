#include "server/http_tls.hpp"

#include <boost/system/system_error.hpp>

#include <fstream>
#include <stdexcept>

namespace awa::server {
namespace net = boost::asio;
namespace {

// The first line of `path`: a key's password, never asked for on the terminal.
std::string read_password_file(const std::string& path) {
  std::ifstream in(path);
  std::string password;
  if (!in || !std::getline(in, password)) {
    throw std::runtime_error("cannot read the TLS key password file " + path);
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

}  // namespace

void configure_tls(net::ssl::context& context, const TlsFiles& files) {
  context.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                      net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                      net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use |
                      net::ssl::context::no_compression);
  SSL_CTX* native = context.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(native,
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                          "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                          "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                          "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"
                          "DHE-RSA-CHACHA20-POLY1305");
  SSL_CTX_set_ciphersuites(native,
                           "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                           "TLS_CHACHA20_POLY1305_SHA256");
  SSL_CTX_set1_groups_list(native, "X25519:prime256v1:secp384r1");
  SSL_CTX_set_dh_auto(native, 1);  // ffdhe2048 for the DHE suites
  // The client's order of preference, as the profile says: all suites are strong.
  SSL_CTX_clear_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);

  const auto load = [](const char* what, const std::string& path, auto&& load_file) {
    try {
      load_file();
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(std::string("cannot load the TLS ") + what + " " + path + ": " +
                               e.code().message());
    }
  };
  load("certificate chain", files.certificate_chain,
       [&] { context.use_certificate_chain_file(files.certificate_chain); });
  bool encrypted = false;
  const std::string password = files.private_key_password_file.empty()
                                   ? std::string()
                                   : read_password_file(files.private_key_password_file);
  context.set_password_callback([&](std::size_t, net::ssl::context::password_purpose) {
    encrypted = true;
    return password;  // NOLINT(performance-no-automatic-move): a copy each time OpenSSL asks
  });
  try {
    load("key", files.private_key,
         [&] { context.use_private_key_file(files.private_key, net::ssl::context::pem); });
  } catch (const std::runtime_error&) {
    if (encrypted && files.private_key_password_file.empty()) {
      throw std::runtime_error("the TLS key " + files.private_key +
                               " is encrypted: give its password with --tls-key-password-file");
    }
    if (encrypted) {
      throw std::runtime_error("cannot decrypt the TLS key " + files.private_key +
                               " with the password in " + files.private_key_password_file);
    }
    throw;
  }
  // The callback refers to this frame: no later key load may call it.
  context.set_password_callback(
      [](std::size_t, net::ssl::context::password_purpose) { return std::string(); });
}

}  // namespace awa::server
