// One webhook's connection to its receiver: HTTP/1.1 POSTs on a kept-alive connection, over TCP
// or TLS (the peer verified against the system's CA store and the URL's host, unless told
// otherwise), each exchange within a deadline. One POST at a time, on one executor.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace awa::server {

// Where a webhook's URL points.
struct WebhookUrl {
  bool tls = false;
  std::string host;
  std::string port;    // "80", "443" or the URL's
  std::string target;  // path and query
  bool operator==(const WebhookUrl&) const = default;
  // Empty unless an absolute http or https URL with a host.
  static std::optional<WebhookUrl> parse(std::string_view url);
};

class WebhookConnection {
public:
  struct Result {
    unsigned status = 0;  // the receiver's; 0 when there was no answer
    std::string error;    // why not
  };
  using Done = std::function<void(Result)>;

  WebhookConnection(const boost::asio::any_io_executor& executor, boost::asio::ssl::context& tls,
                    std::chrono::seconds timeout);
  // Sends `request` to `url` (connecting first when not connected to it), calls `done` with the
  // answer's status, on the executor.
  void post(const WebhookUrl& url,
            boost::beast::http::request<boost::beast::http::string_body> request, Done done);
  void close();

private:
  void connect(Done done);
  // `reused`: on a connection that served before, which the receiver may have closed since.
  void exchange(const Done& done, bool reused);
  void fail(const Done& done, std::string why);

  boost::asio::any_io_executor executor_;
  boost::asio::ssl::context& tls_;
  std::chrono::seconds timeout_;
  boost::asio::ip::tcp::resolver resolver_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure_;
  std::optional<WebhookUrl> connected_to_;
  WebhookUrl url_;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> response_;
};

}  // namespace awa::server
