#include "server/webhook_connection.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <openssl/ssl.h>

namespace awa::server {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// What a receiver may answer: a status is all that counts, the body is read and dropped.
constexpr std::size_t kMaxAnswerBody = std::size_t{1} << 20;

}  // namespace

std::optional<WebhookUrl> WebhookUrl::parse(std::string_view text) {
  const auto url = boost::urls::parse_absolute_uri(text);
  if (!url || !url->has_authority() || url->host().empty()) return std::nullopt;
  WebhookUrl out;
  if (url->scheme_id() == boost::urls::scheme::https) {
    out.tls = true;
  } else if (url->scheme_id() != boost::urls::scheme::http) {
    return std::nullopt;
  }
  out.host = url->encoded_host_address();  // an IPv6 literal without its brackets
  out.port = url->has_port() ? std::string(url->port()) : (out.tls ? "443" : "80");
  out.target = url->encoded_path().empty() ? "/" : std::string(url->encoded_path());
  if (url->has_query()) out.target += "?" + std::string(url->encoded_query());
  return out;
}

WebhookConnection::WebhookConnection(const net::any_io_executor& executor, net::ssl::context& tls,
                                     std::chrono::seconds timeout)
    : executor_(executor), tls_(tls), timeout_(timeout), resolver_(executor) {}

void WebhookConnection::post(const WebhookUrl& url, http::request<http::string_body> request,
                             Done done) {
  url_ = url;
  request_ = std::move(request);
  request_.set(http::field::host, url.host + ":" + url.port);
  request_.target(url.target);
  request_.keep_alive(true);
  request_.prepare_payload();
  if (connected_to_ && *connected_to_ == url) return exchange(done, true);
  close();
  connect(std::move(done));
}

void WebhookConnection::close() {
  beast::error_code ignored;
  if (secure_) beast::get_lowest_layer(*secure_).socket().close(ignored);
  if (plain_) plain_->socket().close(ignored);
  secure_.reset();
  plain_.reset();
  connected_to_.reset();
  buffer_.clear();
}

void WebhookConnection::fail(const Done& done, std::string why) {
  close();
  done({0, std::move(why)});
}

void WebhookConnection::connect(Done done) {
  resolver_.async_resolve(
      url_.host, url_.port,
      [this, done = std::move(done)](beast::error_code ec,
                                     const net::ip::tcp::resolver::results_type& found) mutable {
        if (ec) return fail(done, "cannot resolve " + url_.host + ": " + ec.message());
        beast::tcp_stream* tcp = nullptr;
        if (url_.tls) {
          secure_.emplace(executor_, tls_);
          tcp = &beast::get_lowest_layer(*secure_);
        } else {
          plain_.emplace(executor_);
          tcp = &*plain_;
        }
        tcp->expires_after(timeout_);
        tcp->async_connect(found, [this, done = std::move(done)](
                                      beast::error_code ec, const net::ip::tcp::endpoint&) mutable {
          if (ec) return fail(done, "cannot connect to " + url_.host + ": " + ec.message());
          if (!url_.tls) {
            connected_to_ = url_;
            return exchange(done, false);
          }
          // SNI, and the certificate checked against the URL's host.
          if (SSL_set_tlsext_host_name(secure_->native_handle(), url_.host.c_str()) != 1) {
            return fail(done, "cannot set the TLS server name " + url_.host);
          }
          secure_->set_verify_callback(net::ssl::host_name_verification(url_.host));
          secure_->async_handshake(net::ssl::stream_base::client,
                                   [this, done = std::move(done)](beast::error_code ec) mutable {
                                     if (ec) return fail(done, "TLS: " + ec.message());
                                     connected_to_ = url_;
                                     exchange(done, false);
                                   });
        });
      });
}

// A kept-alive connection the receiver closed while it idled fails at once: then a new one.
static bool closed_while_idle(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

void WebhookConnection::exchange(const Done& done, bool reused) {
  const auto on_read = [this, done, reused](beast::error_code ec, std::size_t) {
    if (ec == net::error::timed_out || ec == beast::error::timeout) {
      return fail(done, "no answer within " + std::to_string(timeout_.count()) + " s");
    }
    if (reused && closed_while_idle(ec)) {
      close();
      return connect(done);
    }
    if (ec) return fail(done, "reading the answer: " + ec.message());
    const auto& answer = response_->get();
    const Result result{answer.result_int(), {}};
    if (!answer.keep_alive()) close();
    done(result);
  };
  const auto on_write = [this, done, on_read, reused](beast::error_code ec, std::size_t) {
    if (reused && closed_while_idle(ec)) {
      close();
      return connect(done);
    }
    if (ec) return fail(done, "sending: " + ec.message());
    response_.emplace();
    response_->body_limit(kMaxAnswerBody);
    if (secure_) return http::async_read(*secure_, buffer_, *response_, on_read);
    http::async_read(*plain_, buffer_, *response_, on_read);
  };
  if (secure_) {
    beast::get_lowest_layer(*secure_).expires_after(timeout_);
    return http::async_write(*secure_, request_, on_write);
  }
  plain_->expires_after(timeout_);
  http::async_write(*plain_, request_, on_write);
}

}  // namespace awa::server
