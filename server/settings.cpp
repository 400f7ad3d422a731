#include "server/settings.hpp"

#include <boost/program_options.hpp>

#include <sstream>
#include <thread>

namespace awa::server {
namespace po = boost::program_options;
namespace {

template <class T>
void check_bounds(const char* name, T value, T low, T high) {
  if (value < low || value > high) {
    throw po::error("--" + std::string(name) + " must be between " + std::to_string(low) + " and " +
                    std::to_string(high));
  }
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
  std::string listen = s.listen_address + ":" + std::to_string(s.listen_port);
  std::string durability = "process";
  std::string log_level = "info";

  po::options_description options("awa-server options");
  options.add_options()("help", "print this help and exit")(
      "listen", po::value(&listen)->default_value(listen),
      "address and port to listen on, ADDR:PORT (port 0: any free port)")(
      "data-dir", po::value(&s.data_dir)->default_value(s.data_dir),
      "RocksDB data directory; created with the out-of-box data when new")(
      "threads", po::value(&s.threads)->default_value(s.threads),
      "HTTP worker threads, 1-256 (0: one per core but one, left to the writer, the timers and "
      "RocksDB)")("busy-poll-us",
                  po::value(&s.busy_poll_microseconds)->default_value(s.busy_poll_microseconds),
                  "after work, an HTTP thread polls this many microseconds for more before it "
                  "sleeps, 0-10000: lower latency at few connections, for CPU spent polling (0: "
                  "sleep at once)")(
      "durability", po::value(&durability)->default_value(durability),
      "process: acknowledged writes survive a crash of the server; power: they survive "
      "power loss (fsync, grouped across concurrent requests)")(
      "demo", po::bool_switch(&s.demo),
      "seed a new data directory with demo data; admin's password defaults to 'admin'")(
      "log-level", po::value(&log_level)->default_value(log_level),
      "debug (one line per request), info, warn or error")(
      "read-timeout", po::value(&s.read_timeout_seconds)->default_value(s.read_timeout_seconds),
      "seconds a client has to send a whole request, 1-3600")(
      "idle-timeout", po::value(&s.idle_timeout_seconds)->default_value(s.idle_timeout_seconds),
      "seconds a keep-alive connection may wait for its next request, 1-3600")(
      "max-connections", po::value(&s.max_connections)->default_value(s.max_connections),
      "open connections at most, 1-1000000; beyond, a new one gets 503 and is closed")(
      "max-requests-per-connection",
      po::value(&s.max_requests_per_connection)->default_value(s.max_requests_per_connection),
      "requests on one keep-alive connection before the server closes it, 1-10000000")(
      "max-answer-mib", po::value(&s.max_answer_mib)->default_value(s.max_answer_mib),
      "an answer (a Table API list) may take this many MiB at most, 1-1024; a larger one is "
      "refused with 400, to be asked for in pages")(
      "answer-buffer-mib", po::value(&s.answer_buffer_mib)->default_value(s.answer_buffer_mib),
      "large answers (64 KiB and more) held while their clients read them, in all, in MiB, "
      "1-65536; beyond, a new one is answered 503")(
      "rocksdb-write-buffer-mib",
      po::value(&s.rocksdb_write_buffer_mib)->default_value(s.rocksdb_write_buffer_mib),
      "RocksDB memtable size in MiB, 1-1024")(
      "rocksdb-block-cache-mib",
      po::value(&s.rocksdb_block_cache_mib)->default_value(s.rocksdb_block_cache_mib),
      "RocksDB block cache size in MiB, 1-16384")(
      "snapshot-dir", po::value(&s.snapshot_dir),
      "where snapshots go (default: <data-dir>.snapshots); start a server on a copy of one to "
      "restore it")(
      "snapshot-interval",
      po::value(&s.snapshot_interval_seconds)->default_value(s.snapshot_interval_seconds),
      "take a snapshot every this many seconds, 60-604800 (0: only on demand)")(
      "snapshot-keep", po::value(&s.snapshot_keep)->default_value(s.snapshot_keep),
      "snapshots to keep, 1-1000; older ones are deleted")(
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
    check_bounds("threads", s.threads, 0u, 256u);
    check_bounds("busy-poll-us", s.busy_poll_microseconds, 0u, 10000u);
    check_bounds("read-timeout", s.read_timeout_seconds, 1u, 3600u);
    check_bounds("idle-timeout", s.idle_timeout_seconds, 1u, 3600u);
    check_bounds("max-connections", s.max_connections, 1u, 1000000u);
    check_bounds("max-requests-per-connection", s.max_requests_per_connection, 1u, 10000000u);
    check_bounds<std::size_t>("max-answer-mib", s.max_answer_mib, 1, 1024);
    check_bounds<std::size_t>("answer-buffer-mib", s.answer_buffer_mib, 1, 65536);
    check_bounds<std::size_t>("rocksdb-write-buffer-mib", s.rocksdb_write_buffer_mib, 1, 1024);
    check_bounds<std::size_t>("rocksdb-block-cache-mib", s.rocksdb_block_cache_mib, 1, 16384);
    if (s.snapshot_interval_seconds != 0) {
      check_bounds("snapshot-interval", s.snapshot_interval_seconds, 60u, 604800u);
    }
    check_bounds("snapshot-keep", s.snapshot_keep, 1u, 1000u);
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
    // The domain runs under one lock, so I/O threads beyond the cores that are free only contend
    // for it; and the writer, the timeout thread and RocksDB's compactions need a core too. On 2
    // cores with the client beside it (bench/compare's setup), one I/O thread served 40-42k
    // offers/s at 25 us of CPU each, two as many or fewer (31-43k/s) at 32-39 us.
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

}  // namespace awa::server
