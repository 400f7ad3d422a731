#include "server/http_server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <poll.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#if defined(BOOST_ASIO_HAS_IO_URING)
#include <liburing.h>
#endif

#include "server/log.hpp"
#include "server/request_parser.hpp"
#include "server/response_head.hpp"

namespace awa::server {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

void require_io_backend() {
#if defined(BOOST_ASIO_HAS_IO_URING)
  // Asio would throw a bare "io_uring_queue_init: Operation not permitted" on the first loop.
  io_uring ring;
  if (const int result = io_uring_queue_init(2, &ring, 0); result < 0) {
    throw std::runtime_error(
        std::string("this build serves connections through io_uring, which the system refuses (") +
        std::strerror(-result) +
        "): allow it (sysctl kernel.io_uring_disabled=0; in a container, a seccomp profile that "
        "permits io_uring_setup and io_uring_enter), or build with -DAWA_IO_URING=OFF for epoll");
  }
  io_uring_queue_exit(&ring);
#endif
}

const char* io_backend() {
#if defined(BOOST_ASIO_HAS_IO_URING)
  return "io_uring";
#else
  return "epoll";
#endif
}

namespace {

using Clock = std::chrono::steady_clock;

// What the registry and the deadline sweep need of a session, over plain TCP or TLS.
class SessionBase {
public:
  virtual ~SessionBase() = default;
  // From any thread: finish the request in hand, then close; close now if idle.
  virtual void stop() = 0;
  // On the session's thread, by the sweep: the wait in hand took too long; close.
  virtual void deadline_passed() = 0;
  // When the wait in hand (a request's bytes, an idle keep-alive, a write) must have ended.
  // The session's thread only.
  Clock::time_point deadline = Clock::time_point::max();
};

// Live sessions, so that a stop can close the idle ones, and so they can be counted; and the
// bytes of large answers they hold while their clients read them.
class SessionRegistry {
public:
  // Counts `bytes` of an answer being written against `budget`; false (and nothing counted)
  // when it would go beyond.
  bool hold_answer(std::size_t bytes, std::size_t budget) {
    auto held = answer_bytes_.load(std::memory_order_relaxed);
    do {
      if (held + bytes > budget) return false;
    } while (!answer_bytes_.compare_exchange_weak(held, held + bytes, std::memory_order_relaxed));
    return true;
  }
  void release_answer(std::size_t bytes) {
    answer_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
  }

  void add(SessionBase* s, std::weak_ptr<SessionBase> w) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(s, std::move(w));
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }
  void remove(SessionBase* s) {
    std::lock_guard lock(mutex_);
    sessions_.erase(s);
  }
  std::vector<std::shared_ptr<SessionBase>> live() {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<SessionBase>> out;
    for (auto& [raw, weak] : sessions_) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }

private:
  std::mutex mutex_;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;
  std::atomic<std::size_t> answer_bytes_{0};
};

HttpResponse error_for(const beast::error_code& ec) {
  if (ec == http::error::header_limit) {
    return Api::error_response(431, "Request Header Fields Too Large",
                               "Headers may take at most 8 KiB");
  }
  if (ec == http::error::body_limit) {
    return Api::error_response(413, "Payload Too Large", "The body may take at most 1 MiB");
  }
  return Api::error_response(400, "Bad Request", "Malformed HTTP request: " + ec.message());
}

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::size_t kReadBuffer = 16 * 1024;
// Answers from this size on count against HttpLimits::answer_buffer_bytes while written.
constexpr std::size_t kCountedAnswer = 64 * 1024;

// Whether the client has not closed its side of the connection (nor reset it): a sign-in from
// a client that has gone is not worth its hash. POLLRDHUP tells even with request bytes unread.
bool still_open(int fd) {
  pollfd watched{fd, POLLRDHUP, 0};
  if (::poll(&watched, 1, 0) < 0) return true;
  return (watched.revents & (POLLRDHUP | POLLHUP | POLLERR)) == 0;
}

// The client's address as sign-in limits count it: an IPv4 address whole, an IPv6 one by its
// /64 (a host is given a whole /64 to pick addresses from).
template <class Socket>
std::string peer_of(const Socket& socket) {
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

// One I/O thread with its own event loop, and the connections it serves: a connection stays on
// one thread, so it needs no strand, and handing it work from another thread is one post.
struct Worker {
  net::io_context io{1};

  // Connection deadlines, nginx's way rather than a timer per read and write (Beast's
  // basic_stream arms one and cancels it for every operation, and reprograms the loop's timerfd
  // whenever it becomes the earliest): a session notes its deadline, and a sweep a few times a
  // second closes those past it. Timeouts are whole seconds, so a quarter-second late is fine.
  static constexpr auto kSweepPeriod = std::chrono::milliseconds(250);
  std::vector<std::weak_ptr<SessionBase>> sessions;  // this thread's; the sweep drops ended ones
  net::basic_waitable_timer<Clock, net::wait_traits<Clock>, net::io_context::executor_type> sweeper{
      io};
  bool sweeping = false;

  // On this worker's thread.
  void track(std::weak_ptr<SessionBase> session) {
    sessions.push_back(std::move(session));
    if (!sweeping) schedule_sweep();
  }
  void schedule_sweep() {
    sweeping = true;
    sweeper.expires_after(kSweepPeriod);
    sweeper.async_wait([this](const beast::error_code& ec) {
      if (ec) return;
      sweep();
    });
  }
  void sweep() {
    const auto now = Clock::now();
    std::erase_if(sessions, [now](const std::weak_ptr<SessionBase>& weak) {
      const auto session = weak.lock();
      if (!session) return true;
      if (session->deadline <= now) {
        session->deadline = Clock::time_point::max();
        session->deadline_passed();
      }
      return false;
    });
    // No connections, no sweep: the loop may then run out of work and return (at stop).
    sweeping = false;
    if (!sessions.empty()) schedule_sweep();
  }

  // Runs the loop until it stops. With `busy_poll`, after running handlers it polls the loop
  // (an epoll_wait that returns at once) for that long before it blocks. On a virtual machine,
  // waking a sleeping thread costs more than serving a request: 1 connection, closed loop, 2 cores:
  // p50 0.10 ms and 9k requests/s with 100 us, against 0.16 ms and 6k/s without.
  void run(std::chrono::microseconds busy_poll) {
    if (busy_poll.count() == 0) {
      io.run();
      return;
    }
    auto last_work = Clock::now();
    for (;;) {
      if (io.poll() > 0) {
        last_work = Clock::now();
        continue;
      }
      if (io.stopped()) return;
      if (Clock::now() - last_work < busy_poll) continue;
      if (io.run_one() == 0) return;  // sleeps until there is work
      last_work = Clock::now();
    }
  }

  // The requests handled in one round of ready sockets share one write to the durable log: the
  // first of them posts a flush, which runs after the rest of the round.
  bool flush_posted = false;
  void flush_after_round(Api& api) {
    if (flush_posted) return;
    flush_posted = true;
    net::post(io, [this, &api] {
      flush_posted = false;
      api.flush();
    });
  }
};

using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using TcpStream = Socket;
using TlsStream = beast::ssl_stream<Socket>;

// One connection: TcpStream, or TlsStream over it.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(Socket socket, Worker& worker, const HttpLimits& limits, Api& api,
          SessionRegistry& registry) requires(!kTls)
      : stream_(std::move(socket)),
        worker_(worker),
        limits_(limits),
        api_(api),
        registry_(registry) {}
  Session(Socket socket, net::ssl::context& tls, Worker& worker, const HttpLimits& limits, Api& api,
          SessionRegistry& registry) requires kTls : stream_(std::move(socket), tls),
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
        self->write(Api::error_response(503, "Service Unavailable",
                                        "Too many connections; try again later"),
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
      write(error_for(ec), 11);
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
    if (auto caller = api_.cached_caller(head)) {
      caller_ = std::move(*caller);
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
    if (!admission.caller) {
      // A body left unread ends the connection after the answer.
      if (!parser_->is_done()) keep_alive_ = false;
      if (admission.delayed && !stopping_) return write_later(std::move(admission.answer));
      return write(std::move(admission.answer), version_, head_only_);
    }
    caller_ = std::move(*admission.caller);
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
    deadline = Clock::time_point::max();  // the domain answers; no deadline while it does
    // Keep the I/O context running while the answer waits for the durable log.
    auto guard = net::make_work_guard(stream_.get_executor());
    api_.handle(
        parser_->release(), caller_,
        [self = this->shared_from_this(), guard = std::move(guard)](HttpResponse response) mutable {
          net::dispatch(self->stream_.get_executor(),
                        [self, response = std::move(response)]() mutable {
                          self->write(std::move(response), self->version_, self->head_only_);
                        });
          guard.reset();
        },
        Api::Lead::on_flush);
    worker_.flush_after_round(api_);
  }

  // A refused sign-in is answered after Api::kRefusalDelay (or at once when the server stops).
  void write_later(HttpResponse answer) {
    deadline_after(limits_.read_timeout_seconds);
    auto& timer = refusal_timer_.emplace(stream_.get_executor());
    timer.expires_after(Api::kRefusalDelay);
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
        answer = Api::error_response(503, "Service Unavailable",
                                     "Too many large answers are waiting for their clients to "
                                     "read them; try again later");
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
    stream_.async_read_some(buffer_.prepare(16 * 1024),
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
  std::string peer_;        // the client's address, as sign-in limits count it
  unsigned version_ = 11;   // of the request in hand
  bool head_only_ = false;  // it is a HEAD: the answer's body is not sent
  domain::Caller caller_;   // who signed it in
  std::optional<net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor>> refusal_timer_;
  std::string head_;  // the answer being written: its head (capacity kept), then its body
  std::string body_;
  const HttpLimits& limits_;
  Api& api_;
  SessionRegistry& registry_;
  bool keep_alive_ = true;
  unsigned requests_ = 0;
  bool reading_ = false;
  bool stopping_ = false;
  unsigned drained_reads_ = 0;
};

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

// Mozilla's "intermediate" profile (TLS 1.2 and 1.3; for 1.2, only forward-secret AEAD suites),
// the certificate chain and the key. Errors name the file; an encrypted key takes its password
// from a file, or is refused: OpenSSL would otherwise ask for it on the terminal.
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
    return password;
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

}  // namespace

struct HttpServer::Impl {
  Impl(unsigned threads, std::chrono::microseconds poll, const HttpLimits& l)
      : workers(make_workers(threads)),
        busy_poll(poll),
        acceptor(workers.front()->io),
        signals(workers.front()->io, SIGINT, SIGTERM, SIGHUP),
        limits(l) {
    for (auto& worker : workers) keep_running.push_back(net::make_work_guard(worker->io));
  }

  static std::vector<std::unique_ptr<Worker>> make_workers(unsigned threads) {
    std::vector<std::unique_ptr<Worker>> out;
    for (unsigned i = 0; i < std::max(threads, 1u); ++i) out.push_back(std::make_unique<Worker>());
    return out;
  }

  // New connections go to the workers in turn.
  void accept() {
    Worker& worker = *workers[next_worker++ % workers.size()];
    acceptor.async_accept(worker.io.get_executor(),
                          [this, &worker](beast::error_code ec, Socket socket) {
                            if (stopping) {
                              beast::error_code ignored;
                              acceptor.close(ignored);
                              return;  // a connection accepted meanwhile closes with `socket`
                            }
                            if (ec) {
                              // Out of descriptors and the like: log, and keep accepting.
                              log::warn("accept failed: " + ec.message());
                            } else {
                              socket.set_option(tcp::no_delay(true), ec);
                              const bool over_cap = registry.size() >= limits.max_connections;
                              if (tls) {
                                launch(std::make_shared<Session<TlsStream>>(
                                           std::move(socket), *tls, worker, limits, *api, registry),
                                       over_cap);
                              } else {
                                launch(std::make_shared<Session<TcpStream>>(
                                           std::move(socket), worker, limits, *api, registry),
                                       over_cap);
                              }
                            }
                            accept();
                          });
  }

  // SIGINT, SIGTERM: stop. SIGHUP, which asks daemons to reopen their log files: this log is
  // standard error, there is nothing to reopen, so it is noted and ignored.
  void wait_for_signals() {
    signals.async_wait([this](beast::error_code ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) {
        log::info("SIGHUP: ignored (the log is standard error; there is no file to reopen)");
        return wait_for_signals();
      }
      log::info("signal " + std::to_string(signal) + ": finishing in-flight requests");
      stop();
    });
  }

  template <class S>
  static void launch(const std::shared_ptr<S>& session, bool over_cap) {
    over_cap ? session->refuse() : session->start();
  }

  void stop() {
    net::post(acceptor.get_executor(), [this] {
      beast::error_code ignored;
      stopping = true;
      acceptor.cancel(ignored);  // the accept handler closes it (see deadline_passed)
      signals.cancel(ignored);
      for (auto& session : registry.live()) session->stop();
      // Each loop returns once its connections have closed.
      for (auto& guard : keep_running) guard.reset();
    });
  }

  std::vector<std::unique_ptr<Worker>> workers;
  std::chrono::microseconds busy_poll;
  std::vector<net::executor_work_guard<Executor>> keep_running;
  std::size_t next_worker = 0;  // the acceptor's thread only
  bool stopping = false;        // the acceptor's thread only
  net::basic_socket_acceptor<tcp, Executor> acceptor;
  net::basic_signal_set<Executor> signals;
  std::optional<net::ssl::context> tls;  // set: every connection speaks TLS
  HttpLimits limits;
  Api* api = nullptr;  // set by run(), before the first accept
  SessionRegistry registry;
};

HttpServer::HttpServer(const std::string& address, std::uint16_t port, const HttpLimits& limits,
                       unsigned threads, std::chrono::microseconds busy_poll,
                       const std::optional<TlsFiles>& tls)
    : impl_(std::make_unique<Impl>(threads, busy_poll, limits)) {
  if (tls) configure_tls(impl_->tls.emplace(net::ssl::context::tls_server), *tls);
  const tcp::endpoint endpoint(net::ip::make_address(address), port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void HttpServer::run(Api& api) {
  impl_->api = &api;
  impl_->wait_for_signals();
  impl_->accept();
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->workers.size(); ++i) {
    threads.emplace_back([this, i] { impl_->workers[i]->run(impl_->busy_poll); });
  }
  impl_->workers.front()->run(impl_->busy_poll);
  for (auto& t : threads) t.join();
}

void HttpServer::stop() {
  impl_->stop();
}

}  // namespace awa::server
