#include "server/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <poll.h>

#include <array>
#include <optional>
#include <string>

#include "server/log.hpp"
#include "server/request_parser.hpp"
#include "server/response_head.hpp"
#include "server/websocket_session.hpp"

namespace awa::server {
namespace beast = boost::beast;
namespace http = beast::http;

bool SessionRegistry::hold_answer(std::size_t bytes, std::size_t budget) {
  auto held = answer_bytes_.load(std::memory_order_relaxed);
  do {
    if (held + bytes > budget) return false;
  } while (!answer_bytes_.compare_exchange_weak(held, held + bytes, std::memory_order_relaxed));
  return true;
}

void SessionRegistry::add(SessionBase* s, std::weak_ptr<SessionBase> w) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(s, std::move(w));
}

void SessionRegistry::remove(SessionBase* s) {
  std::lock_guard lock(mutex_);
  sessions_.erase(s);
}

std::size_t SessionRegistry::size() {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::vector<std::shared_ptr<SessionBase>> SessionRegistry::live() {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<SessionBase>> out;
  for (auto& [raw, weak] : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

namespace {

using TcpStream = Socket;
using TlsStream = beast::ssl_stream<Socket>;

// "8 KiB", "1 MiB", "1500 bytes": a limit as the flags give it.
std::string size_text(std::size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

// Why a request could not be read, in the handler's envelope; the limits' texts come from the
// limits themselves.
HttpResponse error_for(const beast::error_code& ec, const HttpLimits& limits,
                       const RequestHandler& handler) {
  if (ec == http::error::header_limit) {
    return handler.error(431, "Request Header Fields Too Large",
                         "Headers may take at most " + size_text(limits.header_bytes));
  }
  if (ec == http::error::body_limit) {
    return handler.error(413, "Payload Too Large",
                         "The body may take at most " + size_text(limits.body_bytes));
  }
  return handler.error(400, "Bad Request", "Malformed HTTP request: " + ec.message());
}

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::size_t kReadBuffer = std::size_t{16} * 1024;
// Answers from this size on count against HttpLimits::answer_buffer_bytes while written.
constexpr std::size_t kCountedAnswer = std::size_t{64} * 1024;

// Whether the client has not closed its side of the connection (nor reset it): a sign-in from
// a client that has gone is not worth its hash. POLLRDHUP tells even with request bytes unread.
bool still_open(int fd) {
  pollfd watched{fd, POLLRDHUP, 0};
  if (::poll(&watched, 1, 0) < 0) return true;
  return (watched.revents & (POLLRDHUP | POLLHUP | POLLERR)) == 0;
}

// The client's address as sign-in limits count it: an IPv4 address whole, an IPv6 one by its

template <class AnySocket>
std::string peer_of(const AnySocket& socket) {
  beast::error_code ec;
  const auto address = socket.remote_endpoint(ec).address();
  if (ec) return "unknown";
  if (address.is_v4()) return address.to_string();
  if (address.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
  }
  auto bytes = address.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return net::ip::address_v6(bytes).to_string() + "/64";
}

// One connection: TcpStream, or TlsStream over it.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(Socket socket, Worker& worker, const HttpLimits& limits, RequestHandler& api,
          SessionRegistry& registry) requires(!kTls)
      : stream_(std::move(socket)),
        worker_(worker),
        limits_(limits),
        api_(api),
        registry_(registry) {}
  Session(Socket socket, net::ssl::context& tls, Worker& worker, const HttpLimits& limits,
          RequestHandler& api, SessionRegistry& registry) requires kTls
      : stream_(std::move(socket), tls),
        worker_(worker),
        limits_(limits),
        api_(api),
        registry_(registry) {}

  ~Session() override { registry_.remove(this); }

  void start() {
    peer_ = peer_of(lowest());
    registry_.add(this, this->weak_from_this());
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      self->worker_.track(self->weak_from_this());
      if constexpr (kTls) {
        // The handshake has the read deadline, like a request.
        self->deadline_after(self->limits_.read_timeout_seconds);
        self->stream_.async_handshake(net::ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) return self->close();
          self->read();
        });
      } else {
        self->read();
      }
    });
  }

  // Over the connection cap: a 503 without reading the request, then a lingering close.
  void refuse() {
    registry_.add(this, this->weak_from_this());
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      self->worker_.track(self->weak_from_this());
      self->keep_alive_ = false;
      const auto answer = [self] {
        self->write(
            self->api_.error(503, "Service Unavailable", "Too many connections; try again later"),
            11);
      };
      if constexpr (kTls) {  // over TLS the answer needs the handshake first
        self->deadline_after(self->limits_.read_timeout_seconds);
        self->stream_.async_handshake(net::ssl::stream_base::server,
                                      [self, answer](beast::error_code ec) {
                                        if (ec) return self->close();
                                        answer();
                                      });
      } else {
        answer();
      }
    });
  }

  void stop() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->stopping_ = true;
      beast::error_code ignored;
      if (self->reading_) self->lowest().cancel(ignored);
      if (self->refusal_timer_) self->refusal_timer_->cancel();
    });
  }

  // The pending read ends (end of stream) or write fails (broken pipe), and its handler closes.
  // Not close() here: Asio 1.81's io_uring backend frees a closed socket's state at once and
  // reuses it for the next connection, so a completion still in flight (the client's bytes or
  // its close, racing the cancel) would be delivered to that new connection.
  void deadline_passed() override {
    beast::error_code ignored;
    lowest().shutdown(tcp::socket::shutdown_both, ignored);
  }

private:
  Socket& lowest() { return beast::get_lowest_layer(stream_); }
  void deadline_after(unsigned seconds) { deadline = Clock::now() + std::chrono::seconds(seconds); }

  // Between requests a keep-alive connection may idle for the idle timeout; once the first
  // byte of a request is in, the whole request must arrive within the read timeout.
  void read() {
    if (stopping_) return close();
    reading_ = true;
    if (buffer_.size() > 0) return read_request();
    deadline_after(limits_.idle_timeout_seconds);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return static_cast<void>(self->read_whole(ec));
                              self->read_request();
                            });
  }

  // The header first: the request is signed in (Api::admit) before its body is read, so a
  // client without valid credentials costs no body, and `100 Continue` goes only to one with.
  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
    parser_->body_limit(limits_.body_bytes);
    parser_->eager(true);  // signed_in() parses a buffered body in one put()
    deadline_after(limits_.read_timeout_seconds);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  // Ends a read: true when the request goes on; otherwise the connection is closed, or answered
  // why its request could not be read (and then closed: the stream is lost).
  bool read_whole(beast::error_code ec) {
    reading_ = false;
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof) {
      close();
      return false;
    }
    if (ec) {
      keep_alive_ = false;
      write(error_for(ec, limits_, api_), 11);
      return false;
    }
    return true;
  }

  void on_header(beast::error_code ec) {
    if (!read_whole(ec)) return;
    version_ = parser_->version();
    head_only_ = parser_->method() == http::verb::head;
    keep_alive_ = parser_->keep_alive() && ++requests_ < limits_.max_requests_per_connection;
    const HttpRequest& head = parser_->head();
    if (log::enabled(LogLevel::debug)) log::debug(head.method + " " + head.target);

    // Credentials verified before: at once, as nearly every request is.
    if (auto principal = api_.known(head)) {
      principal_ = *principal;
      return signed_in();
    }
    deadline = Clock::time_point::max();  // the sign-in is in hand; no deadline while it is
    // Keep the I/O context running while a sign-in waits for its hash.
    auto guard = net::make_work_guard(stream_.get_executor());
    const int fd = lowest().native_handle();
    api_.admit(
        head, {peer_, [fd] { return still_open(fd); }},
        [self = this->shared_from_this(), guard = std::move(guard)](Admission admission) mutable {
          net::dispatch(self->stream_.get_executor(),
                        [self, admission = std::move(admission)]() mutable {
                          self->on_admitted(std::move(admission));
                        });
          guard.reset();
        });
  }

  void on_admitted(Admission admission) {
    if (!admission.principal) {
      // A body left unread ends the connection after the answer.
      if (!parser_->is_done()) keep_alive_ = false;
      if (admission.delay.count() > 0 && !stopping_) {
        return write_later(std::move(admission.answer), admission.delay);
      }
      return write(std::move(admission.answer), version_, head_only_);
    }
    principal_ = *admission.principal;
    signed_in();
  }

  // The caller is known: the body, if any, is read (after `100 Continue` when asked for), then
  // the request handled.
  void signed_in() {
    // What the buffer holds of the body already (all of it, mostly) is parsed here, not by
    // another read.
    beast::error_code ec;
    while (!parser_->is_done() && buffer_.size() > 0) {
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec || used == 0) break;
    }
    if (ec == http::error::need_more) ec = {};
    if (ec && !read_whole(ec)) return;
    if (parser_->is_done()) return handle();
    if (!parser_->expects_continue()) return read_body();
    deadline_after(limits_.read_timeout_seconds);
    net::async_write(stream_, net::buffer(kContinue),
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->read_body();
                     });
  }

  void read_body() {
    reading_ = true;
    deadline_after(limits_.read_timeout_seconds);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (self->read_whole(ec)) self->handle();
                     });
  }

  void handle() {
    deadline = Clock::time_point::max();  // the handler answers; no deadline while it does
    if (parser_->head().websocket) handshake_ = parser_->head();
    // Keep the I/O context running while the answer waits for the durable log.
    auto guard = net::make_work_guard(stream_.get_executor());
    api_.handle(
        parser_->release(), principal_,
        [self = this->shared_from_this(), guard = std::move(guard)](HttpResponse response) mutable {
          net::dispatch(self->stream_.get_executor(),
                        [self, response = std::move(response)]() mutable {
                          if (response.stream) return self->upgrade(std::move(response.stream));
                          self->write(std::move(response), self->version_, self->head_only_);
                        });
          guard.reset();
        });
    worker_.end_round_later(api_);
  }

  // The handler took the WebSocket handshake: the connection is the stream's from now on.
  void upgrade(std::shared_ptr<MessageStream> messages) {
    if (!handshake_ || stopping_) {  // a handler that takes an upgrade nobody asked for
      keep_alive_ = false;
      return write(api_.error(stopping_ ? 503 : 500,
                              stopping_ ? "Service Unavailable" : "Internal Server Error",
                              stopping_ ? "The server is stopping" : "Not a WebSocket request"),
                   version_);
    }
    start_websocket(std::move(stream_), *handshake_, worker_, limits_, registry_,
                    std::move(messages));
  }

  // A refused sign-in is answered after `delay` (or at once when the server stops).
  void write_later(HttpResponse answer, std::chrono::milliseconds delay) {
    deadline_after(limits_.read_timeout_seconds);
    auto& timer = refusal_timer_.emplace(stream_.get_executor());
    timer.expires_after(delay);
    timer.async_wait(
        [self = this->shared_from_this(), answer = std::move(answer)](beast::error_code) mutable {
          self->write(std::move(answer), self->version_, self->head_only_);
        });
  }

  // `head_only`: the answer to HEAD, whose body is not sent (its size still is).
  void write(HttpResponse answer, unsigned version, bool head_only = false) {
    // A large answer counts against what the server holds for clients that read slowly; beyond
    // it, this client is told to come back.
    std::size_t held = 0;
    if (!head_only && answer.body.size() >= kCountedAnswer) {
      if (registry_.hold_answer(answer.body.size(), limits_.answer_buffer_bytes)) {
        held = answer.body.size();
      } else {
        answer = api_.error(503, "Service Unavailable",
                            "Too many large answers are waiting for their clients to read them; "
                            "try again later");
        answer.headers.emplace_back("Retry-After", "1");
      }
    }
    const bool keep_alive = keep_alive_ && !stopping_;
    format_response_head(answer, version, keep_alive, head_);
    body_ = head_only ? std::string() : std::move(answer.body);
    deadline_after(limits_.read_timeout_seconds);
    const std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(body_)};
    net::async_write(
        stream_, buffers,
        [self = this->shared_from_this(), keep_alive, held](beast::error_code ec, std::size_t) {
          if (held > 0) {
            self->registry_.release_answer(held);
            std::string().swap(self->body_);  // not kept for the next answer
          }
          if (ec) return self->close();
          if (!keep_alive) return self->linger_close();
          self->read();
        });
  }

  // Closing with unread request bytes makes the kernel reset the connection, which can destroy
  // the answer before the client reads it; so stop sending, discard input briefly, then close.
  void linger_close() {
    beast::error_code ignored;
    lowest().shutdown(tcp::socket::shutdown_send, ignored);
    deadline_after(2);
    drain();
  }

  void drain() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(kReadBuffer),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              // A body's worth at most: then the client is cut off.
                              if (ec || ++self->drained_reads_ > 64) return self->close();
                              self->drain();
                            });
  }

  void close() {
    beast::error_code ignored;
    lowest().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().close(ignored);
  }

  Stream stream_;
  Worker& worker_;
  // What a read may take from the socket before the parser has used it: a whole header fits,
  // and a client that sends a body nobody has asked for yet (its credentials are being checked)
  // makes the server hold no more than this.
  beast::flat_buffer buffer_{kReadBuffer};
  std::optional<RequestParser> parser_;
  std::string peer_;                      // the client's address, as sign-in limits count it
  unsigned version_ = 11;                 // of the request in hand
  bool head_only_ = false;                // it is a HEAD: the answer's body is not sent
  Principal principal_;                   // who signed it in
  std::optional<HttpRequest> handshake_;  // the request in hand asks for a WebSocket
  std::optional<net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor>> refusal_timer_;
  std::string head_;  // the answer being written: its head (capacity kept), then its body
  std::string body_;
  const HttpLimits& limits_;
  RequestHandler& api_;
  SessionRegistry& registry_;
  bool keep_alive_ = true;
  unsigned requests_ = 0;
  bool reading_ = false;
  bool stopping_ = false;
  unsigned drained_reads_ = 0;
};

}  // namespace

void start_session(Socket socket, net::ssl::context* tls, Worker& worker, const HttpLimits& limits,
                   RequestHandler& handler, SessionRegistry& registry, bool over_cap) {
  const auto launch = [over_cap](const auto& session) {
    over_cap ? session->refuse() : session->start();
  };
  if (tls != nullptr) {
    launch(std::make_shared<Session<TlsStream>>(std::move(socket), *tls, worker, limits, handler,
                                                registry));
  } else {
    launch(
        std::make_shared<Session<TcpStream>>(std::move(socket), worker, limits, handler, registry));
  }
}

}  // namespace awa::server
