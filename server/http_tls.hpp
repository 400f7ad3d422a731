// The TLS side of the HTTP server: Mozilla's "intermediate" profile and the PEM files.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <string>

namespace awa::server {

// PEM files for HTTPS.
struct TlsFiles {
  std::string certificate_chain;
  std::string private_key;
  std::string private_key_password_file;  // for an encrypted key; empty: none
};

// TLS 1.2 and 1.3 (for 1.2, only forward-secret AEAD suites), the certificate chain and the key.
// Throws std::runtime_error naming the file that could not be used; an encrypted key takes its
// password from a file, or is refused (OpenSSL would otherwise ask for it on the terminal).
void configure_tls(boost::asio::ssl::context& context, const TlsFiles& files);

}  // namespace awa::server
