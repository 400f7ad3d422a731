// Every setting of the binary: one typed table with defaults, bounds and a line of help each,
// filled from the command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace awa::server {

enum class Durability {
  process,  // acknowledged writes survive the process dying (WAL written, not fsynced)
  power,    // acknowledged writes survive power loss (WAL fsynced, one sync per group)
};

enum class LogLevel { debug, info, warn, error };

struct Settings {
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string data_dir = "./awa-data";
  unsigned threads = 0;  // 0: one per core but one (at least one)
  // After work, an I/O thread polls this long for more before sleeping in the kernel: lower
  // latency at a few connections, for a core kept busy meanwhile. 0: it sleeps at once.
  unsigned busy_poll_microseconds = 0;
  Durability durability = Durability::process;
  bool demo = false;
  LogLevel log_level = LogLevel::info;
  unsigned read_timeout_seconds = 30;  // to read a whole request: slow clients are cut off
  unsigned idle_timeout_seconds = 60;  // between requests on a keep-alive connection
  unsigned max_connections = 10000;
  unsigned max_requests_per_connection = 10000;
  std::size_t max_answer_mib = 16;      // a larger answer is refused (ask for pages)
  std::size_t answer_buffer_mib = 128;  // large answers held for slow readers, in all
  std::size_t rocksdb_write_buffer_mib = 8;
  std::size_t rocksdb_block_cache_mib = 8;
  std::string snapshot_dir;                // empty: <data-dir>.snapshots
  unsigned snapshot_interval_seconds = 0;  // 0: only on demand
  unsigned snapshot_keep = 5;              // the newest ones kept; older ones are deleted
  std::string tls_certificate;             // PEM chain; with tls_key, the server speaks HTTPS only
  std::string tls_key;
  std::string tls_key_password_file;  // the first line of it decrypts an encrypted --tls-key
};

// What the command line asked for: settings to run with, or text to print and an exit code.
struct CommandLine {
  std::optional<Settings> settings;
  std::string output;
  int exit_code = 0;
};

CommandLine parse_command_line(int argc, const char* const argv[]);

}  // namespace awa::server
