#include "server/settings.hpp"

#include <boost/program_options.hpp>

#include <functional>
#include <sstream>
#include <thread>
#include <vector>

namespace awa::server {
namespace po = boost::program_options;
namespace {

// A numeric flag: its Settings field, default, bounds and help, in one line of the table below.
// `zero_off`: 0 is also allowed, and turns the feature off.
template <class T>
struct NumberFlag {
  const char* name = nullptr;
  T Settings::*field = nullptr;
  T default_value{};
  T low{}, high{};
  const char* help = nullptr;
  bool zero_off = false;
};

template <class T>
void add(po::options_description& options, Settings& s, const NumberFlag<T>& flag,
         std::vector<std::function<void()>>& checks) {
  s.*flag.field = flag.default_value;
  const std::string range =
      (flag.zero_off ? "0 or " : "") + std::to_string(flag.low) + "-" + std::to_string(flag.high);
  options.add_options()(flag.name, po::value(&(s.*flag.field))->default_value(flag.default_value),
                        (std::string(flag.help) + " (" + range + ")").c_str());
  checks.push_back([&s, flag, range] {
    const T value = s.*flag.field;
    if (flag.zero_off && value == 0) return;
    if (value < flag.low || value > flag.high) {
      throw po::error("--" + std::string(flag.name) + " must be " +
                      (flag.zero_off ? "0 or between " : "between ") + std::to_string(flag.low) +
                      " and " + std::to_string(flag.high));
    }
  });
}

void parse_listen(const std::string& text, Settings& settings) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    throw po::error("--listen must be ADDR:PORT, e.g. 127.0.0.1:8080");
  }
  std::string address = text.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);  // [::1]:8080
  }
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) throw std::invalid_argument("port");
  } catch (const std::exception&) {
    throw po::error("--listen port must be a number: " + text);
  }
  if (port > 65535) throw po::error("--listen port must be at most 65535");
  settings.listen_address = address;
  settings.listen_port = static_cast<std::uint16_t>(port);
}

}  // namespace

CommandLine parse_command_line(int argc, const char* const argv[]) {
  Settings s;
  std::string listen = "127.0.0.1:8080";
  std::string durability = "process";
  std::string log_level = "info";
  s.data_dir = "./awa-data";

  po::options_description options("awa-server options");
  options.add_options()("help", "print this help and exit")(
      "listen", po::value(&listen)->default_value(listen),
      "address and port to listen on, ADDR:PORT (port 0: any free port)")(
      "data-dir", po::value(&s.data_dir)->default_value(s.data_dir),
      "RocksDB data directory; created with the out-of-box data when new")(
      "durability", po::value(&durability)->default_value(durability),
      "process: acknowledged writes survive a crash of the server; power: they survive "
      "power loss (fsync, grouped across concurrent requests)")(
      "demo", po::bool_switch(&s.demo),
      "seed a new data directory with demo data; admin's password defaults to 'admin'")(
      "log-level", po::value(&log_level)->default_value(log_level),
      "debug (one line per request), info, warn or error");

  std::vector<std::function<void()>> checks;
  using U = unsigned;
  using Z = std::size_t;
  // The domain runs under one lock, so I/O threads beyond the free cores only contend for it;
  // the writer, the timeout thread and RocksDB's compactions need a core too.
  add<U>(options, s,
         {"threads", &Settings::threads, 0, 1, 256,
          "HTTP worker threads (0: one per core but one, left to the writer, the "
          "timers and RocksDB)",
          true},
         checks);
  add<U>(options, s,
         {"busy-poll-us", &Settings::busy_poll_microseconds, 0, 1, 10000,
          "after work, an HTTP thread polls this many microseconds for more before it "
          "sleeps: lower latency at few connections, for CPU spent polling (0: sleep "
          "at once)",
          true},
         checks);
  add<U>(options, s,
         {"read-timeout", &Settings::read_timeout_seconds, 30, 1, 3600,
          "seconds a client has to send a whole request, or read an answer"},
         checks);
  add<U>(options, s,
         {"idle-timeout", &Settings::idle_timeout_seconds, 60, 1, 3600,
          "seconds a keep-alive connection may wait for its next request"},
         checks);
  add<U>(options, s,
         {"max-connections", &Settings::max_connections, 10000, 1, 1000000,
          "open connections at most; beyond, a new one gets 503 and is closed"},
         checks);
  add<U>(options, s,
         {"max-requests-per-connection", &Settings::max_requests_per_connection, 10000, 1, 10000000,
          "requests on one keep-alive connection before the server closes it"},
         checks);
  add<Z>(options, s,
         {"max-header-kib", &Settings::max_header_kib, 8, 1, 1024,
          "a request's header may take this many KiB at most; beyond, 431"},
         checks);
  add<Z>(options, s,
         {"max-body-kib", &Settings::max_body_kib, 1024, 1, 1048576,
          "a request's body may take this many KiB at most; beyond, 413"},
         checks);
  add<Z>(options, s,
         {"max-answer-mib", &Settings::max_answer_mib, 16, 1, 1024,
          "an answer (a Table API list) may take this many MiB at most; a larger one "
          "is refused with 400, to be asked for in pages"},
         checks);
  add<Z>(options, s,
         {"answer-buffer-mib", &Settings::answer_buffer_mib, 128, 1, 65536,
          "large answers (64 KiB and more) held while their clients read them, in "
          "all, in MiB; beyond, a new one is answered 503"},
         checks);
  add<Z>(options, s,
         {"rocksdb-write-buffer-mib", &Settings::rocksdb_write_buffer_mib, 8, 1, 1024,
          "RocksDB memtable size in MiB"},
         checks);
  add<Z>(options, s,
         {"rocksdb-block-cache-mib", &Settings::rocksdb_block_cache_mib, 8, 1, 16384,
          "RocksDB block cache size in MiB"},
         checks);
  add<U>(options, s,
         {"snapshot-interval", &Settings::snapshot_interval_seconds, 0, 60, 604800,
          "take a snapshot every this many seconds (0: only on demand)", true},
         checks);
  add<U>(options, s,
         {"snapshot-keep", &Settings::snapshot_keep, 5, 1, 1000,
          "snapshots to keep; older ones are deleted"},
         checks);
  add<U>(options, s,
         {"event-retention-hours", &Settings::event_retention_hours, 72, 1, 87600,
          "outcome events are kept this many hours (the newest always stays)"},
         checks);
  add<Z>(options, s,
         {"event-retention-count", &Settings::event_retention_count, 10000000, 1, 1000000000000,
          "outcome events are kept up to this many, the newest"},
         checks);
  add<Z>(options, s,
         {"event-stream-buffer", &Settings::event_stream_buffer_kib, 4096, 16, 1048576,
          "KiB of events a WebSocket reader may let wait once caught up; beyond, it is closed "
          "with 4008 and told where to resume"},
         checks);
  add<U>(options, s,
         {"webhook-timeout", &Settings::webhook_timeout_seconds, 10, 1, 300,
          "seconds a webhook's receiver has to answer a delivery; then it is retried"},
         checks);
  options.add_options()(
      "webhook-allow-insecure", po::bool_switch(&s.webhook_allow_insecure),
      "deliver to https webhooks without checking their certificates (for tests)");
  options.add_options()(
      "snapshot-dir", po::value(&s.snapshot_dir),
      "where snapshots go (default: <data-dir>.snapshots); start a server on a copy of one to "
      "restore it")(
      "tls-cert", po::value(&s.tls_certificate),
      "PEM certificate chain: serve HTTPS (TLS 1.2 or later) instead of HTTP; needs --tls-key")(
      "tls-key", po::value(&s.tls_key), "PEM private key of --tls-cert")(
      "tls-key-password-file", po::value(&s.tls_key_password_file),
      "file whose first line is the password of an encrypted --tls-key (never asked for on the "
      "terminal)");

  CommandLine result;
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
    if (vm.count("help") != 0) {
      std::ostringstream help;
      help << "awa-server: the ServiceNow Advanced Work Assignment REST APIs, on one binary.\n\n"
           << options
           << "\nEnvironment: AWA_ADMIN_PASSWORD sets the admin password of a new "
              "data directory.\n";
      result.output = help.str();
      return result;
    }
    parse_listen(listen, s);
    if (durability == "process") {
      s.durability = Durability::process;
    } else if (durability == "power") {
      s.durability = Durability::power;
    } else {
      throw po::error("--durability must be process or power");
    }
    if (log_level == "debug")
      s.log_level = LogLevel::debug;
    else if (log_level == "info")
      s.log_level = LogLevel::info;
    else if (log_level == "warn")
      s.log_level = LogLevel::warn;
    else if (log_level == "error")
      s.log_level = LogLevel::error;
    else
      throw po::error("--log-level must be debug, info, warn or error");
    for (const auto& check : checks) check();
    if (s.tls_certificate.empty() != s.tls_key.empty()) {
      throw po::error("--tls-cert and --tls-key go together");
    }
    if (!s.tls_key_password_file.empty() && s.tls_key.empty()) {
      throw po::error("--tls-key-password-file needs --tls-key");
    }
    if (s.snapshot_dir.empty()) {
      std::string data_dir = s.data_dir;
      while (data_dir.size() > 1 && data_dir.back() == '/') data_dir.pop_back();
      s.snapshot_dir = data_dir + ".snapshots";
    }
    if (s.threads == 0) {
      const unsigned cores = std::thread::hardware_concurrency();  // 0 when unknown
      s.threads = cores > 1 ? cores - 1 : 1;
    }
  } catch (const po::error& e) {
    result.output = std::string("awa-server: ") + e.what() + "\nTry awa-server --help.\n";
    result.exit_code = 2;
    return result;
  }
  result.settings = s;
  return result;
}

HttpLimits http_limits(const Settings& s) {
  return {s.max_header_kib << 10,    s.max_body_kib << 10,
          s.read_timeout_seconds,    s.idle_timeout_seconds,
          s.max_connections,         s.max_requests_per_connection,
          s.answer_buffer_mib << 20, s.event_stream_buffer_kib << 10};
}

}  // namespace awa::server
