#include "bench/auth_flood.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "bench/latency_histogram.hpp"
#include "bench/process_usage.hpp"
#include "bench/request_bytes.hpp"

namespace awa::bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace bj = boost::json;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// A blocking keep-alive connection from a chosen local address; reconnects when the server
// closes. Reads are bounded by a receive timeout.
class Client {
public:
  Client(const AuthFloodOptions& o, std::string local_address)
      : options_(o), local_(std::move(local_address)) {}

  // The status of one request (0: the connection failed), and its body.
  unsigned call(std::string_view method, const std::string& target, const std::string& auth,
                const std::string& body = {}, std::string* answer = nullptr) {
    try {
      if (!socket_.is_open()) open();
      format_request(request_, {method, target, auth, body.empty() ? "" : "application/json"},
                     body);
      net::write(socket_, net::buffer(request_));
      http::response_parser<http::string_body> parser;
      parser.body_limit(16 << 20);
      http::read(socket_, buffer_, parser);
      if (!parser.keep_alive()) close();
      if (answer) *answer = parser.get().body();
      return parser.get().result_int();
    } catch (const std::exception&) {
      close();
      return 0;
    }
  }

private:
  void open() {
    socket_.open(tcp::v4());
    socket_.bind(tcp::endpoint(net::ip::make_address(local_), 0));
    timeval timeout{10, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    socket_.connect(tcp::endpoint(net::ip::make_address(options_.host),
                                  static_cast<unsigned short>(std::stoi(options_.port))));
    socket_.set_option(tcp::no_delay(true));
  }
  void close() {
    beast::error_code ignored;
    socket_.close(ignored);
    buffer_.clear();
  }

  const AuthFloodOptions& options_;
  std::string local_;
  net::io_context io_;
  tcp::socket socket_{io_};
  beast::flat_buffer buffer_;
  std::string request_;
};

std::uint64_t micros_since(Clock::time_point start) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
}

struct Group {
  std::mutex mutex;
  LatencyHistogram latency;
  std::map<unsigned, std::uint64_t> statuses;
  void record(unsigned status, std::uint64_t us) {
    std::lock_guard lock(mutex);
    latency.record(us);
    ++statuses[status];
  }
};

struct Phase {
  explicit Phase(std::string n) : name(std::move(n)) {}
  std::string name;
  Group cached, sign_ins, flood;
  std::atomic<std::uint64_t> burst_sent{0};
  std::uint64_t peak_rss_kib = 0;
};

double ms(std::uint64_t us) {
  return static_cast<double>(us) / 1000.0;
}

std::string statuses_text(const std::map<unsigned, std::uint64_t>& statuses) {
  std::string text;
  for (const auto& [status, n] : statuses) {
    if (!text.empty()) text += ' ';
    text.append(std::to_string(status)).append(": ").append(std::to_string(n));
  }
  return text.empty() ? "-" : text;
}

}  // namespace

int run_auth_flood(const AuthFloodOptions& o) {
  std::random_device device;
  char run_id[9];
  std::snprintf(run_id, sizeof run_id, "%08x", device());

  // Setup: an agent for the cached clients to read, and users for fresh sign-ins, with
  // passwords (each hashed by the server, so this takes a while).
  Client setup(o, "127.0.0.1");
  std::string answer;
  if (setup.call("POST", "/api/now/table/sys_user", o.admin_authorization,
                 R"({"user_name": "bench-)" + std::string(run_id) +
                     R"(-agent", "roles": "awa_agent,awa_external_user"})",
                 &answer) != 201) {
    std::fprintf(stderr, "awa-bench: setup failed: %s\n", answer.c_str());
    return 1;
  }
  const std::string agent =
      "/api/now/awa/agents/" + std::string(bj::parse(answer).at("result").at("sys_id").as_string());
  const std::size_t sign_ins_needed =
      static_cast<std::size_t>(o.sign_in_rate * o.seconds * 2 * 1.2) + 10;
  std::vector<std::string> fresh;
  const auto setup_start = Clock::now();
  for (std::size_t i = 0; i < sign_ins_needed; ++i) {
    const std::string user = "bench-" + std::string(run_id) + "-login-" + std::to_string(i);
    const std::string password = "pw-" + std::to_string(i) + "-" + run_id;
    std::string body = R"({"user_name": ")";
    body += user;
    body += R"(", "password": ")";
    body += password;
    body += R"(", "roles": "awa_integration_user"})";
    if (setup.call("POST", "/api/now/table/sys_user", o.admin_authorization, body) != 201) {
      std::fprintf(stderr, "awa-bench: could not create %s\n", user.c_str());
      return 1;
    }
    fresh.push_back(basic_authorization(user, password));
  }
  std::fprintf(stderr, "setup: %zu users in %.1f s\n", fresh.size(),
               std::chrono::duration<double>(Clock::now() - setup_start).count());
  // The cached clients' credential, verified once before the phases.
  if (setup.call("GET", agent, o.admin_authorization) != 200) {
    std::fprintf(stderr, "awa-bench: %s does not answer\n", agent.c_str());
    return 1;
  }
  const auto rss = [&]() -> std::uint64_t {
    const auto usage = read_processes_usage(o.server_pids);
    return usage ? usage->rss_kib : 0;
  };
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the setup's hashing settles
  const std::uint64_t idle_rss_kib = rss();

  std::atomic<std::size_t> next_fresh{0};
  const auto run_phase = [&](Phase& phase, bool flood) {
    std::atomic<bool> running{true};
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(o.seconds));
    std::vector<std::thread> threads;
    // Cached clients: a fixed rate together, each on its own schedule.
    for (unsigned c = 0; c < o.cached_clients; ++c) {
      threads.emplace_back([&, c] {
        Client client(o, "127.0.0.1");
        const auto gap = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(o.cached_clients / o.cached_rate));
        auto due = start + gap * c / o.cached_clients;
        while (due < end) {
          std::this_thread::sleep_until(due);
          const auto sent = Clock::now();
          const unsigned status = client.call("GET", agent, o.admin_authorization);
          phase.cached.record(status, micros_since(sent));
          due += gap;
        }
      });
    }
    // Fresh sign-ins: each request as a user never signed in before.
    threads.emplace_back([&] {
      Client client(o, "127.0.0.1");
      const auto gap = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(1.0 / o.sign_in_rate));
      auto due = start;
      while (due < end) {
        std::this_thread::sleep_until(due);
        const std::size_t i = next_fresh++;
        if (i >= fresh.size()) break;
        const auto sent = Clock::now();
        const unsigned status = client.call("GET", agent, fresh[i]);
        phase.sign_ins.record(status, micros_since(sent));
        due += gap;
      }
    });
    if (flood) {
      for (unsigned f = 0; f < o.flood_clients; ++f) {
        threads.emplace_back([&, f] {
          Client client(o, "127.0.0." + std::to_string(2 + f));
          std::mt19937 random(f);
          while (Clock::now() < end) {
            // A different user name each time, as credential stuffing does.
            const auto auth = basic_authorization("stuffed-" + std::to_string(random()), "guess");
            const auto sent = Clock::now();
            const unsigned status = client.call("GET", agent, auth);
            phase.flood.record(status, micros_since(sent));
          }
        });
      }
      // The burst: connect, send a request with a large body and wrong credentials, close.
      constexpr unsigned kBurstThreads = 8;
      for (unsigned t = 0; t < kBurstThreads; ++t) {
        threads.emplace_back([&, t] {
          net::io_context io;
          const std::string body(o.burst_body, 'x');
          for (unsigned i = t; i < o.burst; i += kBurstThreads) {
            try {
              tcp::socket socket(io);
              socket.open(tcp::v4());
              socket.bind(
                  tcp::endpoint(net::ip::make_address("127.0." + std::to_string(1 + i / 250) + "." +
                                                      std::to_string(1 + i % 250)),
                                0));
              timeval timeout{2, 0};
              ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout,
                           sizeof timeout);
              socket.connect(tcp::endpoint(net::ip::make_address(o.host),
                                           static_cast<unsigned short>(std::stoi(o.port))));
              std::string request;
              format_request(
                  request,
                  {"POST", "/api/now/table/awa_queue",
                   basic_authorization("burst-" + std::to_string(i), "guess"), "application/json"},
                  body);
              beast::error_code ignored;
              net::write(socket, net::buffer(request), ignored);
              socket.close(ignored);
              ++phase.burst_sent;
            } catch (const std::exception&) {
            }
          }
        });
      }
    }
    std::thread sampler([&] {
      while (running) {
        phase.peak_rss_kib = std::max(phase.peak_rss_kib, rss());
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
    for (auto& t : threads) t.join();
    running = false;
    sampler.join();
  };

  Phase quiet{"quiet"}, flooded{"flood"};
  std::fprintf(stderr, "phase quiet: %.0f s\n", o.seconds);
  run_phase(quiet, false);
  std::fprintf(stderr, "phase flood: %.0f s\n", o.seconds);
  run_phase(flooded, true);

  const auto percentiles = [](const LatencyHistogram& h) {
    return bj::object{{"p50", ms(h.percentile(0.5))},
                      {"p99", ms(h.percentile(0.99))},
                      {"p99_9", ms(h.percentile(0.999))},
                      {"max", ms(h.max())},
                      {"count", h.count()}};
  };
  bj::object report{{"scenario", "auth-flood"}, {"idle_rss_kib", idle_rss_kib}};
  std::printf("auth-flood scenario, %.0f s a phase; server idle RSS %.1f MiB\n", o.seconds,
              idle_rss_kib / 1024.0);
  for (Phase* phase : {&quiet, &flooded}) {
    const auto line = [&](const char* what, Group& g) {
      std::printf("  %-6s %-9s p50 %8.3f  p99 %8.3f  p99.9 %8.3f  max %8.3f ms  (%s)\n",
                  phase->name.c_str(), what, ms(g.latency.percentile(0.5)),
                  ms(g.latency.percentile(0.99)), ms(g.latency.percentile(0.999)),
                  ms(g.latency.max()), statuses_text(g.statuses).c_str());
    };
    line("cached", phase->cached);
    line("sign-in", phase->sign_ins);
    if (phase->flood.latency.count() > 0) line("flood", phase->flood);
    std::printf("  %-6s peak RSS %.1f MiB%s\n", phase->name.c_str(), phase->peak_rss_kib / 1024.0,
                phase->burst_sent > 0
                    ? (", burst of " + std::to_string(phase->burst_sent.load()) + " sent").c_str()
                    : "");
    bj::object figures{{"cached_ms", percentiles(phase->cached.latency)},
                       {"sign_in_ms", percentiles(phase->sign_ins.latency)},
                       {"peak_rss_kib", phase->peak_rss_kib}};
    if (phase->flood.latency.count() > 0) {
      figures["flood_ms"] = percentiles(phase->flood.latency);
      bj::object statuses;
      for (const auto& [status, n] : phase->flood.statuses) statuses[std::to_string(status)] = n;
      figures["flood_statuses"] = std::move(statuses);
      figures["burst_sent"] = phase->burst_sent.load();
    }
    report[phase->name] = std::move(figures);
  }
  const double sign_in_p99 = ms(flooded.sign_ins.latency.percentile(0.99));
  const double cached_ratio = static_cast<double>(flooded.cached.latency.percentile(0.99)) /
                              std::max<std::uint64_t>(1, quiet.cached.latency.percentile(0.99));
  const double rss_ratio =
      idle_rss_kib == 0 ? 0 : static_cast<double>(flooded.peak_rss_kib) / idle_rss_kib;
  const bool sign_ins_all_ok =
      flooded.sign_ins.statuses.size() == 1 && flooded.sign_ins.statuses.count(200) == 1;
  const bool held = sign_in_p99 < 300 && cached_ratio < 2 && sign_ins_all_ok &&
                    (o.server_pids.empty() || rss_ratio < 2);
  std::printf(
      "  targets: sign-in p99 %.1f ms (< 300), cached p99 %.2fx quiet (< 2), peak RSS "
      "%.2fx idle (< 2), every sign-in 200: %s -> %s\n",
      sign_in_p99, cached_ratio, rss_ratio, sign_ins_all_ok ? "yes" : "no",
      held ? "held" : "MISSED");
  report["targets_held"] = held;
  if (!o.json_file.empty()) std::ofstream(o.json_file) << bj::serialize(report) << "\n";
  return held ? 0 : 3;
}

}  // namespace awa::bench
