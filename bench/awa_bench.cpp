// awa-bench: load for awa-server (or anything that answers its API). It sets up its own agents,
// queue and documents through the Table API, then drives a scenario over N keep-alive
// connections, closed loop or open loop at a fixed rate, for a duration or a count, and reports
// throughput, errors by status and latency percentiles (and, given the server's pids, its RSS and
// CPU time, beside the client's own).
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "bench/auth_flood.hpp"
#include "bench/event_readers.hpp"
#include "bench/latency_histogram.hpp"
#include "bench/process_usage.hpp"
#include "bench/request_bytes.hpp"
#include "bench/response_parser.hpp"
#include "bench/scenario.hpp"
#include "bench/send_pacer.hpp"
#include "bench/send_schedule.hpp"
#include "bench/table_pager.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace bj = boost::json;
namespace po = boost::program_options;
using tcp = net::ip::tcp;
using namespace awa::bench;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view kAvailable = "0b10223c57a313005baaaa65ef94f970";

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::string user = "admin";
  std::string password = "admin";
  std::string scenario = "offer";
  unsigned connections = 64;
  double rate = 0;  // requests per second; 0: closed loop
  double duration = 10;
  std::uint64_t requests = 0;  // 0: run for the duration
  unsigned agents = 50;
  unsigned documents = 5000;
  double storm_window = 8;  // seconds; timeout-storm
  unsigned threads = 1;
  std::vector<int> server_pids;  // the server's processes on this machine (nginx: master, workers)
  std::string json_file;
  std::string label;
  bool fake_setup = false;
  bool progress_lines = false;
  bool spin = false;              // open loop: spin between sends rather than sleep
  std::string pager_table;        // a reader pages through this table during the run; empty: none
  bool stream = false;            // a WebSocket reader of the events during the run
  bool webhook_receiver = false;  // a webhook delivering the events here during the run
  unsigned webhook_batch = 100;   // its max_batch
};

// What the run works on, made in the setup phase.
struct Fixture {
  std::string queue;
  std::vector<std::string> agents;
  std::vector<std::string> documents;
};

// A blocking client for the setup phase.
class SetupClient {
public:
  SetupClient(const Options& o, std::string auth) : auth_(std::move(auth)) {
    tcp::resolver resolver(io_);
    endpoints_ = resolver.resolve(o.host, o.port);
    net::connect(socket_, endpoints_);
  }
  bj::value call(http::verb method, const std::string& target, const std::string& body) {
    http::request<http::string_body> req(method, target, 11);
    req.set(http::field::host, "bench");
    req.set(http::field::authorization, auth_);
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    if (!res.keep_alive()) {  // the server's request cap per connection: a new one
      beast::error_code ignored;
      socket_.close(ignored);
      buffer_.clear();
      socket_ = tcp::socket(io_);
      net::connect(socket_, endpoints_);
    }
    if (res.result_int() >= 300) {
      throw std::runtime_error("setup: " + target + " answered " +
                               std::to_string(res.result_int()) + ": " + res.body());
    }
    return bj::parse(res.body());
  }

private:
  std::string auth_;
  net::io_context io_;
  tcp::resolver::results_type endpoints_;
  tcp::socket socket_{io_};
  beast::flat_buffer buffer_;
};

Fixture set_up(const Options& o, const std::string& auth, const std::string& run_id) {
  SetupClient client(o, auth);
  Fixture f;
  const auto id_of = [](const bj::value& v) {
    return std::string(v.at("result").at("sys_id").as_string());
  };
  f.queue = id_of(client.call(
      http::verb::post, "/api/now/table/awa_queue",
      R"({"name": "bench )" + run_id + R"(", "external_id": "bench-)" + run_id + R"("})"));
  for (unsigned i = 0; i < o.agents; ++i) {
    const auto agent =
        id_of(client.call(http::verb::post, "/api/now/table/sys_user",
                          R"({"user_name": "bench-)" + run_id + "-agent-" + std::to_string(i) +
                              R"(", "roles": "awa_agent,awa_external_user"})"));
    client.call(http::verb::put, "/api/now/awa/agents/" + agent,
                R"({"presence": {"sys_id": ")" + std::string(kAvailable) + R"("}})");
    f.agents.push_back(agent);
  }
  // Documents over several connections: a storm needs a hundred thousand of them.
  constexpr unsigned kSetupConnections = 8;
  f.documents.resize(o.documents);
  std::vector<std::thread> makers;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  for (unsigned c = 0; c < kSetupConnections; ++c) {
    makers.emplace_back([&, c] {
      try {
        SetupClient maker(o, auth);
        for (unsigned i = c; i < o.documents; i += kSetupConnections) {
          f.documents[i] = id_of(maker.call(http::verb::post, "/api/now/table/interaction",
                                            R"({"short_description": "bench )" + run_id + R"("})"));
        }
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        failure = std::current_exception();
      }
    });
  }
  for (auto& m : makers) m.join();
  if (failure) std::rethrow_exception(failure);
  return f;
}

// Made-up ids, for servers that only stub the endpoints (nginx, WireMock in bench/compare): the
// request stream has the same shape and sizes as against awa-server.
Fixture fake_fixture(const Options& o) {
  std::mt19937_64 random(11);
  const auto id = [&] {
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(random()),
                  static_cast<unsigned long long>(random()));
    return std::string(text);
  };
  Fixture f{id(), {}, {}};
  for (unsigned i = 0; i < o.agents; ++i) f.agents.push_back(id());
  for (unsigned i = 0; i < o.documents; ++i) f.documents.push_back(id());
  return f;
}

// Counters shared by all connections of all threads.
struct Totals {
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> completed{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> slowest_us{0};  // since the last progress line
  std::atomic<bool> stop{false};

  void record_latency(std::uint64_t us) {
    auto slowest = slowest_us.load(std::memory_order_relaxed);
    while (us > slowest &&
           !slowest_us.compare_exchange_weak(slowest, us, std::memory_order_relaxed)) {
    }
  }
};

// What one thread measured.
struct ThreadStats {
  LatencyHistogram latency;
  LatencyHistogram during_storms;  // requests sent in a second when countdowns run out
  // Open loop: how late the client sent each request (its own delay, which the latency counts).
  LatencyHistogram send_lateness;
  std::map<unsigned, std::uint64_t> statuses;
  std::uint64_t connection_errors = 0;
  std::uint64_t reconnects = 0;  // after the server closed a keep-alive connection
};

struct RunContext {
  const Options& options;
  const Scenario& scenario;
  const Fixture& fixture;
  const std::string auth;
  SendSchedule schedule;
  Clock::time_point start;
  Clock::time_point deadline;
  Totals& totals;
};

// One keep-alive connection, walking its documents through the scenario's cycles.
class Connection : public std::enable_shared_from_this<Connection> {
public:
  // `pacer`: where sends wait for their time on a spinning thread (null: a timer each).
  // `alive`: held while the connection lives, so that a spinning thread knows when to stop.
  Connection(net::io_context& io, RunContext& run, ThreadStats& stats, unsigned id,
             SendPacer* pacer, std::shared_ptr<void> alive)
      : stream_(io),
        timer_(io),
        pacer_(pacer),
        alive_(std::move(alive)),
        run_(run),
        stats_(stats),
        id_(id),
        random_(id) {
    for (std::size_t d = id; d < run.fixture.documents.size(); d += run.options.connections) {
      documents_.push_back({d, {}, 0, nullptr, 0});
    }
  }

  // Connects; the run's requests begin with begin(), once every connection is up.
  void connect(const tcp::resolver::results_type& endpoints) {
    endpoints_ = endpoints;
    net::async_connect(stream_, endpoints,
                       [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                         if (ec) {
                           ++self->stats_.connection_errors;
                           return;
                         }
                         self->stream_.set_option(tcp::no_delay(true));
                         self->connected_ = true;
                       });
  }

  void begin() {
    if (connected_)
      net::post(stream_.get_executor(), [self = shared_from_this()] { self->next(); });
  }

private:
  struct Document {
    std::size_t index;
    std::string work_item;  // from the last offer or transfer
    std::size_t agent;      // who it was last offered to
    const std::vector<Step>* cycle;
    std::size_t position;
  };

  bool finished() {
    if (run_.totals.stop.load(std::memory_order_relaxed)) return true;
    if (run_.options.requests > 0) {
      return run_.totals.sent.fetch_add(1, std::memory_order_relaxed) >= run_.options.requests;
    }
    return Clock::now() >= run_.deadline;
  }

  void next() {
    if (documents_.empty() || finished()) return;
    Document& doc = documents_[cursor_ % documents_.size()];
    if (doc.cycle == nullptr || doc.position >= doc.cycle->size()) {
      doc.cycle = &run_.scenario.pick(random_);
      doc.position = 0;
    }
    step_ = (*doc.cycle)[doc.position];
    build(doc);
    const auto now = Clock::now();
    due_ = run_.schedule.open_loop() ? run_.schedule.due(id_, sequence_++) : now;
    if (due_ > now && pacer_ != nullptr) {
      pacer_->add(due_, [self = shared_from_this()] { self->send(); });
    } else if (due_ > now) {
      timer_.expires_at(due_);
      timer_.async_wait([self = shared_from_this()](beast::error_code) { self->send(); });
    } else {
      send();
    }
  }

  void build(const Document& doc) {
    const auto& f = run_.fixture;
    const std::string& document = f.documents[doc.index];
    const std::size_t own_agent = doc.index % f.agents.size();
    const auto offer_path = [&] {
      target_.assign("/api/now/awa/documents/interaction/").append(document).append("/offer");
    };
    const auto transfer = [&](std::string_view type, const std::string& target) {
      offer_path();
      body_.assign(R"({"transfer": {"source_queue_id": ")")
          .append(f.queue)
          .append(R"(", "target_type": ")")
          .append(type)
          .append(R"(", "target_id": ")")
          .append(target)
          .append(R"(", "transfer_type": "blind"}})");
    };
    std::string_view method = "POST";
    std::string_view content_type = "application/json";
    switch (step_) {
      case Step::offer:
      case Step::offer_short_timeout:
        next_agent_ = own_agent;
        offer_path();
        body_.assign(R"({"queue_id": ")")
            .append(f.queue)
            .append(R"(", "assignment": {"agent_sys_id": ")")
            .append(f.agents[own_agent])
            .append(R"(", "timeout": )")
            .append(step_ == Step::offer
                        ? std::string("30")
                        : std::to_string(storm_timeout_seconds(
                              std::chrono::duration<double>(Clock::now() - run_.start).count(),
                              run_.options.storm_window)))
            .append("}}");
        break;
      case Step::accept:
      case Step::reject:
        target_.assign(step_ == Step::accept ? "/api/now/awa/inbox/actions/accept"
                                             : "/api/now/awa/inbox/actions/reject");
        body_.assign(R"({"agent_id": ")")
            .append(f.agents[doc.agent])
            .append(R"(", "work_item_id": ")")
            .append(doc.work_item)
            .append(R"(", "reject_reason_id": "b2f8942787851210be070d48dabb35fd"})");
        break;
      case Step::transfer_to_agent:
        next_agent_ = (doc.agent + 1) % f.agents.size();
        transfer("agent", f.agents[next_agent_]);
        break;
      case Step::transfer_to_queue:
        transfer("queue", f.queue);
        break;
      case Step::set_presence:
        method = "PUT";
        target_.assign("/api/now/awa/agents/").append(f.agents[own_agent]);
        body_.assign(R"({"presence": {"sys_id": ")").append(kAvailable).append(R"("}})");
        break;
      case Step::read_agent:
      case Step::read_capacities:
        method = "GET";
        content_type = {};
        target_.assign("/api/now/awa/agents/")
            .append(f.agents[own_agent])
            .append(step_ == Step::read_capacities ? "/capacities" : "");
        body_.clear();
        break;
    }
    format_request(request_, {method, target_, run_.auth, content_type}, body_);
  }

  void send() {
    const auto now = Clock::now();
    const bool open_loop = run_.schedule.open_loop();
    sent_at_ = open_loop ? due_ : now;
    if (open_loop) stats_.send_lateness.record(SendSchedule::lateness_us(due_, now));
    net::async_write(stream_, net::buffer(request_),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->fail();
                       auto& parser = self->parser_.emplace(self->response_body_);
                       http::async_read(self->stream_, self->buffer_, parser,
                                        [self](beast::error_code ec, std::size_t) {
                                          if (ec) return self->fail();
                                          self->on_response();
                                        });
                     });
  }

  void on_response() {
    const auto latency =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent_at_);
    stats_.latency.record(static_cast<std::uint64_t>(latency.count()));
    run_.totals.record_latency(static_cast<std::uint64_t>(latency.count()));
    if (step_ == Step::offer_short_timeout &&
        in_storm_second(std::chrono::duration<double>(sent_at_ - run_.start).count(),
                        run_.options.storm_window)) {
      stats_.during_storms.record(static_cast<std::uint64_t>(latency.count()));
    }
    const unsigned status = parser_->status();
    ++stats_.statuses[status];
    run_.totals.completed.fetch_add(1, std::memory_order_relaxed);
    Document& doc = documents_[cursor_ % documents_.size()];
    if (status >= 300) {
      run_.totals.errors.fetch_add(1, std::memory_order_relaxed);
      doc.cycle = nullptr;  // start a fresh round on this document
    } else {
      if (step_ == Step::offer || step_ == Step::offer_short_timeout ||
          step_ == Step::transfer_to_agent) {
        doc.agent = next_agent_;
        // The work item's id, read only for the cycle's next steps (none starts with one).
        if (doc.position + 1 < doc.cycle->size()) {
          const auto body = bj::parse(response_body_);
          doc.work_item = std::string(body.at("result").at("work_item").at("sys_id").as_string());
        }
      }
      ++doc.position;
    }
    // The next request goes to the next document: rounds interleave across documents.
    if (doc.cycle == nullptr || doc.position >= doc.cycle->size()) ++cursor_;
    if (!parser_->keep_alive()) return reconnect();  // the server closes: a new connection
    next();
  }

  void reconnect() {
    beast::error_code ignored;
    stream_.close(ignored);
    buffer_.clear();
    ++stats_.reconnects;
    net::async_connect(stream_, endpoints_,
                       [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                         if (ec) return self->fail();
                         self->stream_.set_option(tcp::no_delay(true));
                         self->next();
                       });
  }

  void fail() {
    ++stats_.connection_errors;
    run_.totals.errors.fetch_add(1, std::memory_order_relaxed);
  }

  // The loop's own executor type rather than Asio's type-erased one, and a plain socket rather
  // than Beast's basic_stream, whose timeouts this client never set: every microsecond the
  // client spends is taken from the server it measures, on the same machine.
  using Executor = net::io_context::executor_type;
  net::basic_stream_socket<tcp, Executor> stream_;
  tcp::resolver::results_type endpoints_;
  net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor> timer_;
  SendPacer* pacer_;
  std::shared_ptr<void> alive_;
  beast::flat_buffer buffer_;
  std::string target_, body_;  // of the request being built
  std::string request_;        // the request's bytes
  std::string response_body_;
  std::optional<ResponseParser> parser_;
  RunContext& run_;
  ThreadStats& stats_;
  unsigned id_;
  std::mt19937 random_;
  std::vector<Document> documents_;
  std::size_t cursor_ = 0;
  std::uint64_t sequence_ = 0;
  Step step_ = Step::offer;
  std::size_t next_agent_ = 0;
  Clock::time_point due_;
  Clock::time_point sent_at_;
  bool connected_ = false;
};

// This process's CPU time, all threads, in seconds.
double own_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  AuthFloodOptions flood;
  std::string target = o.host + ":" + o.port;
  std::string scenarios_help =
      "scenario:\n  auth-flood: clients with cached credentials and fresh valid sign-ins, "
      "quiet, then under a flood of wrong passwords and a burst of connect-send-close requests "
      "(see bench/auth_flood.hpp)";
  for (const auto& s : all_scenarios()) scenarios_help += "\n  " + s.name + ": " + s.description;
  po::options_description flags("awa-bench options");
  flags.add_options()("help", "print this help")(
      "target", po::value(&target)->default_value(target), "server HOST:PORT")(
      "user", po::value(&o.user)->default_value(o.user),
      "user (with the admin role: the bench sets up its own records)")(
      "password", po::value(&o.password)->default_value(o.password), "password")(
      "scenario", po::value(&o.scenario)->default_value(o.scenario), scenarios_help.c_str())(
      "connections", po::value(&o.connections)->default_value(o.connections),
      "keep-alive connections")("rate", po::value(&o.rate)->default_value(o.rate),
                                "open loop at this many requests per second (0: closed loop)")(
      "duration", po::value(&o.duration)->default_value(o.duration), "seconds to run")(
      "requests", po::value(&o.requests)->default_value(o.requests),
      "stop after this many requests instead (0: use --duration)")(
      "agents", po::value(&o.agents)->default_value(o.agents), "agents to create")(
      "documents", po::value(&o.documents)->default_value(o.documents), "documents to create")(
      "storm-window", po::value(&o.storm_window)->default_value(o.storm_window),
      "timeout-storm: seconds of offers whose countdowns run out in one second")(
      "threads", po::value(&o.threads)->default_value(o.threads), "client threads")(
      "server-pid", po::value(&o.server_pids)->multitoken(),
      "the server's process ids, on this machine (several: their sum, as nginx's master and "
      "workers): report its RSS and the CPU time it used during the run")(
      "label", po::value(&o.label)->default_value(""), "name of the run in the report")(
      "json", po::value(&o.json_file), "also write the figures to this file as JSON")(
      "fake-setup", po::bool_switch(&o.fake_setup),
      "make up ids instead of creating records (for a stub of the endpoints)")(
      "spin", po::bool_switch(&o.spin),
      "open loop: each client thread spins between sends instead of sleeping until the next is "
      "due, yielding its core to any other thread that wants it: sends leave on time (a "
      "sleeping client is late by its own wake-up, which the latency counts as the server's)")(
      "pager", po::value(&o.pager_table),
      "one more client pages through this table (e.g. awa_work_item) with the Table API, 1,000 "
      "sys_ids a page, over and over during the run; its pages are reported apart")(
      "stream", po::bool_switch(&o.stream),
      "one more client reads the event stream (a WebSocket) during the run, checking that no "
      "event is missing or out of order; its lag is reported")(
      "webhook-receiver", po::bool_switch(&o.webhook_receiver),
      "make a webhook that delivers the events to a receiver in this client during the run "
      "(deleted after); it checks order and signatures and reports the delivery lag")(
      "webhook-batch", po::value(&o.webhook_batch)->default_value(o.webhook_batch),
      "the webhook's max_batch")(
      "progress-lines", po::bool_switch(&o.progress_lines),
      "each second's progress on a line of its own (for a log), not over the last")(
      "flood-clients", po::value(&flood.flood_clients)->default_value(flood.flood_clients),
      "auth-flood: clients sending wrong passwords, each from its own loopback address")(
      "burst", po::value(&flood.burst)->default_value(flood.burst),
      "auth-flood: connect-send-close requests at the flood's start")(
      "burst-body", po::value(&flood.burst_body)->default_value(flood.burst_body),
      "auth-flood: bytes of body in each of them")(
      "cached-rate", po::value(&flood.cached_rate)->default_value(flood.cached_rate),
      "auth-flood: requests per second with cached credentials, all clients together")(
      "sign-in-rate", po::value(&flood.sign_in_rate)->default_value(flood.sign_in_rate),
      "auth-flood: fresh valid sign-ins per second");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, flags), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "awa-bench: " << e.what() << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << flags << "\n";
    return 0;
  }
  if (o.scenario == "auth-flood") {
    const auto colon_at = target.rfind(':');
    if (colon_at == std::string::npos) {
      std::cerr << "awa-bench: --target must be HOST:PORT\n";
      return 2;
    }
    flood.host = target.substr(0, colon_at);
    flood.port = target.substr(colon_at + 1);
    flood.admin_authorization = basic_authorization(o.user, o.password);
    if (!vm["duration"].defaulted()) flood.seconds = o.duration;  // else its own default
    flood.server_pids = o.server_pids;
    flood.json_file = o.json_file;
    return run_auth_flood(flood);
  }
  const Scenario* scenario = find_scenario(o.scenario);
  const auto colon = target.rfind(':');
  if (scenario == nullptr || colon == std::string::npos || o.connections == 0 || o.threads == 0 ||
      o.agents < 2 || o.documents == 0) {
    std::cerr << "awa-bench: check --scenario, --target, --connections, --threads, --agents (>= 2) "
                 "and --documents; see --help\n";
    return 2;
  }
  o.host = target.substr(0, colon);
  o.port = target.substr(colon + 1);
  const std::string auth = basic_authorization(o.user, o.password);

  std::random_device device;
  char run_id[9];
  std::snprintf(run_id, sizeof run_id, "%08x", device());
  Fixture fixture;
  try {
    const auto setup_start = Clock::now();
    fixture = o.fake_setup ? fake_fixture(o) : set_up(o, auth, run_id);
    std::fprintf(stderr, "setup: %u agents, %u documents in %.1f s\n", o.agents, o.documents,
                 std::chrono::duration<double>(Clock::now() - setup_start).count());
  } catch (const std::exception& e) {
    std::cerr << "awa-bench: " << e.what() << "\n";
    return 1;
  }

  // Everything the client must prepare (each connection's documents, the connections
  // themselves) is done before the run's clock starts: an open-loop schedule started earlier
  // would count the client's own preparation as the server's latency.
  Totals totals;
  // The start, the schedule and the deadline are set when the connections are up.
  RunContext run{o,
                 *scenario,
                 fixture,
                 auth,
                 SendSchedule({}, o.rate, o.connections),
                 /*start=*/{},
                 /*deadline=*/{},
                 totals};
  std::vector<ThreadStats> stats(o.threads);
  std::vector<std::unique_ptr<net::io_context>> contexts;
  for (unsigned t = 0; t < o.threads; ++t) contexts.push_back(std::make_unique<net::io_context>(1));
  const bool spin = o.spin && o.rate > 0;
  std::vector<SendPacer> pacers(o.threads);
  std::vector<std::shared_ptr<void>> alive(o.threads);
  std::vector<std::weak_ptr<void>> any_alive(o.threads);
  for (unsigned t = 0; t < o.threads; ++t) {
    alive[t] = std::make_shared<int>(0);
    any_alive[t] = alive[t];
  }
  std::vector<std::shared_ptr<Connection>> connections;
  for (unsigned c = 0; c < o.connections; ++c) {
    const unsigned t = c % o.threads;
    tcp::resolver resolver(*contexts[t]);
    connections.push_back(std::make_shared<Connection>(*contexts[t], run, stats[t], c,
                                                       spin ? &pacers[t] : nullptr, alive[t]));
    connections.back()->connect(resolver.resolve(o.host, o.port));
  }
  for (auto& context : contexts) {
    // Until this loop's connections are up or failed; a server that does not accept within
    // 10 s runs without the connections it has not accepted.
    context->run_for(std::chrono::seconds(10));
    context->restart();
  }
  // The event readers, from the newest event on.
  const EventReaderOptions readers{o.host, o.port, auth};
  std::unique_ptr<EventReader> stream_reader, webhook_reader;
  if (o.stream) stream_reader = start_stream_reader(readers);
  if (o.webhook_receiver) webhook_reader = start_webhook_receiver(readers, o.webhook_batch);
  // CPU over the run only: not the setup's, nor the server's before it.
  const double client_cpu_start = own_cpu_seconds();
  const auto server_start = read_processes_usage(o.server_pids);
  const auto start = Clock::now();
  run.start = start;
  run.schedule = SendSchedule(start, o.rate, o.connections);
  run.deadline = start + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(o.duration));
  std::atomic<bool> paging{true};
  PagerResult paged;
  std::thread pager;
  if (!o.pager_table.empty()) {
    pager = std::thread([&] {
      paged = page_through({o.host, o.port, auth, o.pager_table}, paging);
    });
  }
  for (auto& connection : connections) connection->begin();
  connections.clear();  // each connection is now held by its pending operations
  alive.clear();        // and each thread's token by its connections
  std::atomic<bool> running{true};
  // A server that stops answering must not hold the run forever: after this long without a
  // single answer (longer than the gap between two sends), the loops stop, and the figures are
  // those measured until then.
  const double stall_seconds = std::max(10.0, o.rate > 0 ? 3.0 / o.rate : 0.0);
  std::atomic<bool> stalled{false};
  std::thread progress([&] {
    std::uint64_t last = 0;
    double quiet = 0;
    while (running) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      if (!running) break;
      const auto done = totals.completed.load();
      quiet = done == last ? quiet + 1 : 0;
      if (quiet >= stall_seconds) {
        stalled = true;
        for (auto& context : contexts) context->stop();
        break;
      }
      // The slowest answer of the second: where in the run a tail comes from.
      std::fprintf(
          stderr, "%s%6.1f s  %10llu requests  %9llu/s  slowest %8.3f ms  %llu errors%s",
          o.progress_lines ? "" : "\r", std::chrono::duration<double>(Clock::now() - start).count(),
          static_cast<unsigned long long>(done), static_cast<unsigned long long>(done - last),
          static_cast<double>(totals.slowest_us.exchange(0)) / 1000.0,
          static_cast<unsigned long long>(totals.errors.load()), o.progress_lines ? "\n" : "   ");
      last = done;
    }
  });
  // Spinning, a thread polls its loop and releases due sends until its connections are done (or
  // the loop is stopped); otherwise it sleeps in its loop until there is work.
  const auto drive = [&](unsigned t) {
    auto& io = *contexts[t];
    if (!spin) return static_cast<void>(io.run());
    const auto guard = net::make_work_guard(io);
    while (!io.stopped() && !any_alive[t].expired()) {
      const std::size_t handled = io.poll();
      // A turn with nothing to do yields: a thread waiting for this core (the server's, on the
      // same machine) runs first; without it, the spinning took the server's core.
      if (pacers[t].release_due(Clock::now()) + handled == 0) std::this_thread::yield();
    }
  };
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < o.threads; ++t) workers.emplace_back([&, t] { drive(t); });
  drive(0);
  for (auto& w : workers) w.join();
  paging = false;
  if (pager.joinable()) pager.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double client_cpu = own_cpu_seconds() - client_cpu_start;
  const auto server_end = read_processes_usage(o.server_pids);
  // Both readings, or the server (or one of its processes) went away: no server figures.
  const bool server_measured = !o.server_pids.empty() && server_start && server_end;
  const double server_cpu =
      server_measured ? server_end->cpu_seconds - server_start->cpu_seconds : 0;
  running = false;
  progress.join();
  // Every event made in the run must arrive: they are given a few seconds to.
  std::optional<EventReaderResult> streamed, hooked;
  const std::uint64_t newest = stream_reader || webhook_reader ? newest_event(readers) : 0;
  if (stream_reader) streamed = stream_reader->finish(newest, std::chrono::seconds(10));
  if (webhook_reader) hooked = webhook_reader->finish(newest, std::chrono::seconds(10));
  std::fprintf(stderr, "\n");
  if (stalled) {
    std::fprintf(stderr, "awa-bench: no answer for %.0f s; stopped with requests unanswered\n",
                 stall_seconds);
  }

  ThreadStats all;
  for (const auto& s : stats) {
    all.latency.merge(s.latency);
    all.during_storms.merge(s.during_storms);
    all.send_lateness.merge(s.send_lateness);
    for (const auto& [status, n] : s.statuses) all.statuses[status] += n;
    all.connection_errors += s.connection_errors;
  }
  const auto ms = [](std::uint64_t us) { return static_cast<double>(us) / 1000.0; };
  // A histogram's percentiles, in milliseconds: as text after `label`, and as JSON.
  const auto print_percentiles = [&](const char* label, const LatencyHistogram& h) {
    std::printf("  %s p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f", label,
                ms(h.percentile(0.5)), ms(h.percentile(0.9)), ms(h.percentile(0.99)),
                ms(h.percentile(0.999)), ms(h.max()));
  };
  const auto percentiles_json = [&](const LatencyHistogram& h) {
    return bj::object{{"p50", ms(h.percentile(0.5))},
                      {"p90", ms(h.percentile(0.9))},
                      {"p99", ms(h.percentile(0.99))},
                      {"p99_9", ms(h.percentile(0.999))},
                      {"max", ms(h.max())}};
  };
  const std::uint64_t requests = all.latency.count();
  std::uint64_t failed = all.connection_errors;
  for (const auto& [status, n] : all.statuses) failed += status >= 300 ? n : 0;
  const double throughput = static_cast<double>(requests) / elapsed;

  std::printf("%s scenario, %u connections, %s, %.1f s\n", o.scenario.c_str(), o.connections,
              o.rate > 0
                  ? ("open loop at " + std::to_string(static_cast<long>(o.rate)) + "/s").c_str()
                  : "closed loop",
              elapsed);
  std::printf("  requests     %llu (%llu failed)\n", static_cast<unsigned long long>(requests),
              static_cast<unsigned long long>(failed));
  std::printf("  throughput   %.0f requests/s\n", throughput);
  std::printf("  statuses    ");
  for (const auto& [status, n] : all.statuses)
    std::printf(" %u: %llu", status, static_cast<unsigned long long>(n));
  if (all.connection_errors)
    std::printf(" connection errors: %llu", static_cast<unsigned long long>(all.connection_errors));
  std::printf("\n");
  print_percentiles("latency ms  ", all.latency);
  std::printf("\n");
  if (all.send_lateness.count() > 0) {
    // The client's own delay in sending, which the latency above includes: a busy client shows
    // here, not as a slower server.
    print_percentiles("sent late ms", all.send_lateness);
    std::printf("\n");
  }
  if (pager.get_id() == std::thread::id() && !o.pager_table.empty()) {
    print_percentiles("pager ms    ", paged.latency);
    std::printf(" (%llu pages, %llu records, %llu whole passes%s%s)\n",
                static_cast<unsigned long long>(paged.pages),
                static_cast<unsigned long long>(paged.records),
                static_cast<unsigned long long>(paged.passes), paged.error.empty() ? "" : "; ",
                paged.error.c_str());
  }
  const auto print_reader = [&](const char* label, const std::optional<EventReaderResult>& r) {
    if (!r) return;
    print_percentiles(label, r->lag);
    std::printf(
        " (%llu events in %llu messages; %llu missing, %llu out of order, %llu bad "
        "signatures%s%s)\n",
        static_cast<unsigned long long>(r->events), static_cast<unsigned long long>(r->messages),
        static_cast<unsigned long long>(r->missing),
        static_cast<unsigned long long>(r->out_of_order),
        static_cast<unsigned long long>(r->bad_signatures), r->error.empty() ? "" : "; ",
        r->error.c_str());
  };
  print_reader("stream lag ms ", streamed);
  print_reader("webhook lag ms", hooked);
  const auto& storms = all.during_storms;
  if (storms.count() > 0) {
    print_percentiles("during storms", storms);
    std::printf(" ms (%llu requests sent while countdowns ran out)\n",
                static_cast<unsigned long long>(storms.count()));
  }
  // CPU per answer: what each side spent for the same work, whatever the throughput.
  const auto per_request_us = [&](double cpu) {
    return requests > 0 ? cpu * 1e6 / static_cast<double>(requests) : 0.0;
  };
  std::printf("  CPU          client %.2f s (%.1f us a request)", client_cpu,
              per_request_us(client_cpu));
  if (server_measured) {
    std::printf(", server %.2f s (%.1f us a request)", server_cpu, per_request_us(server_cpu));
  }
  std::printf("\n");
  if (server_measured) {
    std::printf("  server RSS   %.1f MiB (peak %.1f MiB)\n", server_end->rss_kib / 1024.0,
                server_end->peak_rss_kib / 1024.0);
  }

  // awa-server's own figures: how punctually countdowns fired. Other servers have none.
  bj::value server_stats;
  if (!o.fake_setup && !stalled) {
    try {
      SetupClient client(o, auth);
      const auto stats = [&] {
        return client.call(http::verb::get, "/api/now/awa-server/stats", "");
      };
      server_stats = stats().at("result");
      // A storm's last countdowns run out after the run: wait for them (bounded).
      const auto wait_until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(o.storm_window + 4));
      while (o.scenario == "timeout-storm" &&
             server_stats.at("timeouts").at("pending").to_number<std::int64_t>() > 0 &&
             Clock::now() < wait_until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        server_stats = stats().at("result");
      }
      const auto& t = server_stats.at("timeouts");
      const auto& late = t.at("lateness_ms");
      std::printf(
          "  server       timeouts fired %lld (peak %lld due in one second, %lld pending), "
          "lateness ms p50 %lld  p99 %lld  p99.9 %lld  max %lld\n",
          static_cast<long long>(t.at("fired").to_number<std::int64_t>()),
          static_cast<long long>(t.at("peak_due_in_one_second").to_number<std::int64_t>()),
          static_cast<long long>(t.at("pending").to_number<std::int64_t>()),
          static_cast<long long>(late.at("p50").to_number<std::int64_t>()),
          static_cast<long long>(late.at("p99").to_number<std::int64_t>()),
          static_cast<long long>(late.at("p999").to_number<std::int64_t>()),
          static_cast<long long>(late.at("max").to_number<std::int64_t>()));
    } catch (const std::exception&) {
      // Not awa-server, or a user without the admin role: no server figures.
    }
  }

  if (!o.json_file.empty()) {
    bj::object statuses;
    for (const auto& [status, n] : all.statuses) statuses[std::to_string(status)] = n;
    bj::object report{
        {"label", o.label},
        {"scenario", o.scenario},
        {"connections", o.connections},
        {"rate", o.rate},
        {"seconds", elapsed},
        {"requests", requests},
        {"failed", failed},
        {"connection_errors", all.connection_errors},
        {"statuses", statuses},
        {"throughput", throughput},
        {"latency_ms", percentiles_json(all.latency)},
    };
    if (all.send_lateness.count() > 0)
      report["send_lateness_ms"] = percentiles_json(all.send_lateness);
    if (storms.count() > 0) {
      auto during = percentiles_json(storms);
      during.emplace("requests", storms.count());
      report["during_storms"] = std::move(during);
    }
    if (!server_stats.is_null()) report["server_stats"] = server_stats;
    if (!o.pager_table.empty()) {
      auto pages = percentiles_json(paged.latency);
      pages.emplace("pages", paged.pages);
      pages.emplace("records", paged.records);
      report["pager_ms"] = std::move(pages);
    }
    const auto reader_json = [&](const EventReaderResult& r) {
      auto out = percentiles_json(r.lag);
      out.emplace("events", r.events);
      out.emplace("messages", r.messages);
      out.emplace("missing", r.missing);
      out.emplace("out_of_order", r.out_of_order);
      out.emplace("bad_signatures", r.bad_signatures);
      return out;
    };
    if (streamed) report["stream_lag_ms"] = reader_json(*streamed);
    if (hooked) report["webhook_lag_ms"] = reader_json(*hooked);
    report["client_cpu_seconds"] = client_cpu;
    report["client_cpu_us_per_request"] = per_request_us(client_cpu);
    if (server_measured) {
      report["server_cpu_seconds"] = server_cpu;
      report["server_cpu_us_per_request"] = per_request_us(server_cpu);
      report["server_rss_kib"] = server_end->rss_kib;
      report["server_peak_rss_kib"] = server_end->peak_rss_kib;
    }
    std::ofstream(o.json_file) << bj::serialize(report) << "\n";
  }
  if (stalled) return 4;
  if (failed != 0) return 3;
  for (const auto* r : {streamed ? &*streamed : nullptr, hooked ? &*hooked : nullptr}) {
    if (r != nullptr && (r->missing + r->out_of_order + r->bad_signatures > 0 || !r->error.empty()))
      return 5;
  }
  return 0;
}
