#include "bench/event_readers.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>

#include <atomic>
#include <ctime>
#include <mutex>
#include <thread>

namespace awa::bench {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace bj = boost::json;
using tcp = net::ip::tcp;

namespace {

// The receiver's webhook secret: "whsec_" and the base64 of 24 bytes.
const std::string kSecretKey = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

struct Reply {
  unsigned status = 0;
  std::string body;
};

Reply call(const EventReaderOptions& o, http::verb method, const std::string& target,
           const std::string& body = {}) {
  net::io_context io;
  tcp::socket socket(io);
  net::connect(socket, tcp::resolver(io).resolve(o.host, o.port));
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, o.host);
  request.set(http::field::authorization, o.authorization);
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return {response.result_int(), response.body()};
}

// "2026-12-07T22:40:01.123Z" as a time.
std::chrono::system_clock::time_point parse_time(std::string_view text) {
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(std::string(text).c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) != 7) {
    return std::chrono::system_clock::now();
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::milliseconds(millis);
}

std::string base64(const unsigned char* bytes, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Calls `seen(id, time)` for each CloudEvent in `text` (one, or a batch's array), found by the
// server's rendering (specversion, then id, ..., then time, before data) rather than parsed: the
// reader costs the shared machine little.
template <class Seen>
std::size_t for_each_event(std::string_view text, Seen seen) {
  constexpr std::string_view kStart = R"("specversion":"1.0","id":")";
  constexpr std::string_view kTime = R"("time":")";
  std::size_t count = 0;
  for (auto at = text.find(kStart); at != std::string_view::npos; at = text.find(kStart, at)) {
    at += kStart.size();
    const auto id_end = text.find('"', at);
    const auto time = text.find(kTime, id_end);
    if (id_end == std::string_view::npos || time == std::string_view::npos) break;
    const auto time_end = text.find('"', time + kTime.size());
    seen(std::stoull(std::string(text.substr(at, id_end - at))),
         text.substr(time + kTime.size(), time_end - time - kTime.size()));
    ++count;
    at = time_end;
  }
  return count;
}

// What a reader has seen, checked as it comes.
class Tally {
public:
  explicit Tally(std::uint64_t after) : last_(after) {}

  void saw(std::uint64_t id, std::string_view time) {
    const auto lag = std::chrono::system_clock::now() - parse_time(time);
    std::lock_guard lock(mutex_);
    ++result_.events;
    result_.lag.record(static_cast<std::uint64_t>(std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::microseconds>(lag).count())));
    if (id <= last_) {
      ++result_.out_of_order;
      return;
    }
    result_.missing += id - last_ - 1;
    last_ = id;
  }
  void message(bool signature_ok = true) {
    std::lock_guard lock(mutex_);
    ++result_.messages;
    if (!signature_ok) ++result_.bad_signatures;
  }
  void error(std::string why) {
    std::lock_guard lock(mutex_);
    if (result_.error.empty()) result_.error = std::move(why);
  }
  std::uint64_t last() {
    std::lock_guard lock(mutex_);
    return last_;
  }
  // Waits for `newest`, then counts what did not come as missing.
  EventReaderResult close(std::uint64_t newest, std::chrono::seconds wait) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (last() < newest && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the reader's thread fills it
    }
    std::lock_guard lock(mutex_);
    if (last_ < newest) result_.missing += newest - last_;
    return result_;
  }

private:
  std::mutex mutex_;
  std::uint64_t last_;
  EventReaderResult result_;
};

class StreamReader final : public EventReader {
public:
  explicit StreamReader(const EventReaderOptions& o) : tally_(newest_event(o)) {
    const std::uint64_t after = tally_.last();
    net::connect(ws_.next_layer(), tcp::resolver(io_).resolve(o.host, o.port));
    ws_.set_option(
        websocket::stream_base::decorator([auth = o.authorization](websocket::request_type& r) {
          r.set(http::field::authorization, auth);
        }));
    ws_.handshake(o.host, "/api/now/awa-server/events/stream?after=" + std::to_string(after));
    thread_ = std::thread([this] { read(); });
  }
  ~StreamReader() override { stop(); }

  EventReaderResult finish(std::uint64_t newest, std::chrono::seconds wait) override {
    auto result = tally_.close(newest, wait);
    stop();
    return result;
  }

private:
  void read() {
    beast::flat_buffer buffer;
    while (!stopping_) {
      beast::error_code ec;
      ws_.read(buffer, ec);
      if (ec) {
        if (!stopping_) {
          tally_.error("stream closed: " + std::to_string(ws_.reason().code) + " " +
                       std::string(ws_.reason().reason.c_str()) + " (" + ec.message() + ")");
        }
        return;
      }
      tally_.message();
      const auto text = beast::buffers_to_string(buffer.data());
      if (for_each_event(text, [&](auto id, auto time) { tally_.saw(id, time); }) != 1) {
        tally_.error("stream: a message that is not one event: " + text.substr(0, 200));
      }
      buffer.clear();
    }
  }
  void stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    ::shutdown(ws_.next_layer().native_handle(), SHUT_RDWR);
    thread_.join();
  }

  net::io_context io_;
  websocket::stream<tcp::socket> ws_{io_};
  Tally tally_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

class WebhookReceiver final : public EventReader {
public:
  WebhookReceiver(const EventReaderOptions& o, unsigned max_batch)
      : options_(o), tally_(newest_event(o)) {
    // 32 characters without padding: EVP_DecodeBlock's 24 bytes are the key whole.
    key_.resize(kSecretKey.size());
    const int size =
        EVP_DecodeBlock(key_.data(), reinterpret_cast<const unsigned char*>(kSecretKey.data()),
                        static_cast<int>(kSecretKey.size()));
    key_.resize(static_cast<std::size_t>(std::max(size, 0)));
    acceptor_.open(tcp::v4());
    acceptor_.bind({net::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    thread_ = std::thread([this] { serve(); });
    const auto made =
        call(o, http::verb::post, "/api/now/table/awa_webhook",
             R"({"url": "http://127.0.0.1:)" + std::to_string(acceptor_.local_endpoint().port()) +
                 R"(/awa", "secret": "whsec_)" + kSecretKey + R"(", "max_batch": ")" +
                 std::to_string(max_batch) + R"("})");
    if (made.status != 201) {
      tally_.error("creating the webhook answered " + std::to_string(made.status) + ": " +
                   made.body);
    } else {
      id_ = std::string(bj::parse(made.body).at("result").at("sys_id").as_string());
    }
  }
  ~WebhookReceiver() override { stop(); }

  EventReaderResult finish(std::uint64_t newest, std::chrono::seconds wait) override {
    auto result = tally_.close(newest, wait);
    stop();
    return result;
  }

private:
  void serve() {
    while (!stopping_) {
      beast::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec) return;
      {
        std::lock_guard lock(socket_mutex_);
        connection_ = socket.native_handle();
      }
      beast::flat_buffer buffer;
      for (;;) {
        http::request<http::string_body> request;
        http::read(socket, buffer, request, ec);
        if (ec) break;
        tally_.message(signed_right(request));
        if (for_each_event(request.body(), [&](auto id, auto time) { tally_.saw(id, time); }) ==
            0) {
          tally_.error("webhook: a delivery without events: " + request.body().substr(0, 200));
        }
        http::response<http::empty_body> answer{http::status::no_content, 11};
        answer.keep_alive(request.keep_alive());
        http::write(socket, answer, ec);
        if (ec || !request.keep_alive()) break;
      }
      std::lock_guard lock(socket_mutex_);
      connection_ = -1;
    }
  }

  bool signed_right(const http::request<http::string_body>& request) const {
    const std::string signed_text = std::string(request["webhook-id"]) + "." +
                                    std::string(request["webhook-timestamp"]) + "." +
                                    request.body();
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned size = 0;
    HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
         reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac,
         &size);
    return request["webhook-signature"] == "v1," + base64(mac, size);
  }

  void stop() {
    if (!thread_.joinable()) return;
    if (!id_.empty()) call(options_, http::verb::delete_, "/api/now/table/awa_webhook/" + id_);
    stopping_ = true;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    {
      std::lock_guard lock(socket_mutex_);
      if (connection_ >= 0) ::shutdown(connection_, SHUT_RDWR);
    }
    thread_.join();
  }

  EventReaderOptions options_;
  Tally tally_;
  std::vector<unsigned char> key_;
  net::io_context io_;
  tcp::acceptor acceptor_{io_};
  std::string id_;  // the webhook's
  std::atomic<bool> stopping_{false};
  std::mutex socket_mutex_;
  int connection_ = -1;
  std::thread thread_;
};

}  // namespace

std::uint64_t newest_event(const EventReaderOptions& options) {
  try {
    const auto stats = call(options, http::verb::get, "/api/now/awa-server/stats");
    if (stats.status != 200) return 0;
    return static_cast<std::uint64_t>(
        bj::parse(stats.body).at("result").at("events").at("last").as_int64());
  } catch (const std::exception&) {
    return 0;
  }
}

std::unique_ptr<EventReader> start_stream_reader(const EventReaderOptions& options) {
  return std::make_unique<StreamReader>(options);
}

std::unique_ptr<EventReader> start_webhook_receiver(const EventReaderOptions& options,
                                                    unsigned max_batch) {
  return std::make_unique<WebhookReceiver>(options, max_batch);
}

}  // namespace awa::bench
