#include "server/websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <deque>
#include <string>

#include "server/websocket_handshake.hpp"

namespace awa::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

// A reader still replaying asks for more only while this much of what it was given waits: a
// replay goes at the reader's pace, and is never taken for a slow consumer.
std::size_t replay_room(std::size_t buffer) {
  return buffer / 2;
}
// The most a stream's socket holds in the kernel: enough for a fast reader across the world.
constexpr std::size_t kMaxSendBuffer = std::size_t{1} << 20;
// A closing handshake the peer does not finish is cut off after this long.
constexpr unsigned kCloseSeconds = 5;

template <class Stream>
class WebSocketSession : public SessionBase,
                         public std::enable_shared_from_this<WebSocketSession<Stream>> {
public:
  WebSocketSession(Stream&& stream, Worker& worker, const HttpLimits& limits,
                   SessionRegistry& registry, std::shared_ptr<MessageStream> messages)
      : ws_(std::move(stream)),
        worker_(worker),
        limits_(limits),
        registry_(registry),
        messages_(std::move(messages)),
        written_(messages_->start()) {}

  ~WebSocketSession() override {
    registry_.remove(this);
    finish();
  }

  // On the worker's thread.
  void start(const HttpRequest& handshake) {
    registry_.add(this, this->weak_from_this());
    worker_.track(this->weak_from_this());
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(http::field::server, "awa-server");
    }));
    // The kernel would otherwise hold up to net.ipv4.tcp_wmem's maximum (4 MiB) more for a
    // reader that does not read, unseen by the buffer the reader is allowed.
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).set_option(
        net::socket_base::send_buffer_size(
            static_cast<int>(std::min(limits_.stream_buffer_bytes, kMaxSendBuffer))),
        ignored);
    ws_.read_message_max(std::size_t{64} * 1024);  // a reader has nothing to say but control frames
    ws_.text(true);
    ws_.control_callback([this](websocket::frame_type, beast::string_view) { heard(); });
    deadline_after(limits_.read_timeout_seconds);
    handshake_ = websocket_handshake(handshake);
    ws_.async_accept(handshake_, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return self->end();
      self->open_ = true;
      self->heard();
      self->read();
      self->ask();
    });
  }

  void stop() override {
    net::post(ws_.get_executor(), [self = this->shared_from_this()] {
      if (!self->open_) return self->end();
      self->close(websocket::close_code::going_away, "server stopping");
    });
  }

  // Quiet for a while: a ping; quiet as long again (or a close not answered, or a handshake not
  // finished): the connection is cut, and the pending operations end with it.
  void deadline_passed() override {
    if (!open_ || pinged_ || closing_) return end();
    pinged_ = true;
    deadline_after(limits_.stream_ping_seconds);
    if (pinging_) return;
    pinging_ = true;
    ws_.async_ping(
        {}, [self = this->shared_from_this()](beast::error_code) { self->pinging_ = false; });
  }

private:
  void deadline_after(unsigned seconds) { deadline = Clock::now() + std::chrono::seconds(seconds); }

  // The peer showed it is there (a frame came, or it took a message).
  void heard() {
    pinged_ = false;
    if (!closing_) deadline_after(limits_.stream_ping_seconds);
  }

  // A read stays pending for the peer's pings, pongs and close; what it sends is dropped.
  void read() {
    ws_.async_read(in_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->in_.clear();
      if (ec) return self->end();
      self->heard();
      self->read();
    });
  }

  // Asks for more while the reader has room: always once it is live (so that a reader that
  // falls behind is seen), and while replaying only when what it was given is half taken.
  void ask() {
    if (asking_ || closing_ || ended_) return;
    const std::size_t buffer = limits_.stream_buffer_bytes;
    if (!live_ && queued_bytes_ >= replay_room(buffer)) return;
    // Live, one byte beyond the room left shows a reader over it.
    const std::size_t room =
        live_ ? buffer - std::min(buffer, queued_bytes_) + 1 : replay_room(buffer) - queued_bytes_;
    asking_ = true;
    messages_->next(room, [self = this->shared_from_this()](StreamBatch batch) {
      net::post(self->ws_.get_executor(), [self, batch = std::move(batch)]() mutable {
        self->asking_ = false;
        self->take(std::move(batch));
      });
    });
  }

  void take(StreamBatch batch) {
    if (closing_ || ended_) return;
    if (batch.close_code != 0) {
      return close(batch.close_code, std::move(batch.close_reason), batch.resumable);
    }
    for (auto& message : batch.messages) {
      queued_bytes_ += message.text.size();
      queue_.push_back(std::move(message));
    }
    // Once caught up, a reader stays live: a burst it cannot take is what closes it.
    live_ = live_ || batch.live;
    if (live_ && queued_bytes_ > limits_.stream_buffer_bytes) {
      slow_ = true;
      return close(kCloseSlowConsumer, "slow consumer");
    }
    write();
    ask();
  }

  void write() {
    if (writing_ || queue_.empty()) return;
    writing_ = true;
    ws_.async_write(net::buffer(queue_.front().text),
                    [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                      self->writing_ = false;
                      if (ec || self->ended_) return self->end();
                      self->queued_bytes_ -= self->queue_.front().text.size();
                      self->written_ = self->queue_.front().position;
                      self->queue_.pop_front();
                      self->heard();
                      if (self->closing_) return self->send_close();
                      self->write();
                      self->ask();
                    });
  }

  // Ends the stream: what waits is dropped, the message being written finishes, then the close
  // goes out. A `resumable` one's reason says where to resume: after the last message written.
  void close(std::uint16_t code, std::string reason, bool resumable = true) {
    if (closing_ || ended_) return;
    closing_ = true;
    close_code_ = code;
    close_reason_ = std::move(reason);
    resumable_ = resumable;
    deadline_after(kCloseSeconds + (writing_ ? limits_.stream_ping_seconds : 0));
    while (queue_.size() > (writing_ ? 1U : 0U)) queue_.pop_back();
    messages_->ended(slow_);
    if (!writing_) send_close();
  }

  void send_close() {
    deadline_after(kCloseSeconds);
    if (resumable_) close_reason_ += "; resume after " + std::to_string(written_);
    // RFC 6455 §5.5: a control frame's payload is 125 bytes, 2 of them the code.
    if (close_reason_.size() > 123) close_reason_.resize(123);
    ws_.async_close(
        websocket::close_reason(static_cast<websocket::close_code>(close_code_), close_reason_),
        [self = this->shared_from_this()](beast::error_code) { self->end(); });
  }

  // Cuts the connection: pending operations end (and with their handlers, this session, whose
  // stream closes the socket then, with nothing in flight on it).
  void end() {
    finish();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).shutdown(tcp::socket::shutdown_both, ignored);
  }

  void finish() {
    if (ended_) return;
    ended_ = true;
    if (!closing_) messages_->ended(slow_);
    queue_.clear();
  }

  websocket::stream<Stream> ws_;
  http::request<http::empty_body> handshake_;  // kept while the handshake is answered
  Worker& worker_;
  const HttpLimits& limits_;
  SessionRegistry& registry_;
  std::shared_ptr<MessageStream> messages_;
  beast::flat_buffer in_;
  std::deque<StreamMessage> queue_;  // the front is being written when `writing_`
  std::size_t queued_bytes_ = 0;
  std::uint64_t written_;  // the position of the last message written whole
  std::uint16_t close_code_ = 0;
  std::string close_reason_;
  bool open_ = false;      // the handshake is done
  bool live_ = false;      // the reader has caught up with the newest message
  bool asking_ = false;    // a next() is in hand
  bool writing_ = false;   // an async_write is in hand
  bool pinging_ = false;   // an async_ping is in hand
  bool pinged_ = false;    // quiet since the last ping
  bool closing_ = false;   // the close is decided
  bool slow_ = false;      // for falling behind
  bool resumable_ = true;  // the close says where to resume
  bool ended_ = false;
};

template <class Stream>
void launch(Stream stream, const HttpRequest& handshake, Worker& worker, const HttpLimits& limits,
            SessionRegistry& registry, std::shared_ptr<MessageStream> messages) {
  auto session = std::make_shared<WebSocketSession<Stream>>(std::move(stream), worker, limits,
                                                            registry, std::move(messages));
  session->start(handshake);
}

}  // namespace

void start_websocket(Socket&& stream, const HttpRequest& handshake, Worker& worker,
                     const HttpLimits& limits, SessionRegistry& registry,
                     std::shared_ptr<MessageStream> messages) {
  launch(std::move(stream), handshake, worker, limits, registry, std::move(messages));
}

void start_websocket(beast::ssl_stream<Socket>&& stream, const HttpRequest& handshake,
                     Worker& worker, const HttpLimits& limits, SessionRegistry& registry,
                     std::shared_ptr<MessageStream> messages) {
  launch(std::move(stream), handshake, worker, limits, registry, std::move(messages));
}

}  // namespace awa::server
