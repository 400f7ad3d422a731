// Every setting of the binary, filled from the command line. Each flag's default, bounds and help
// are given together, once, in settings.cpp's table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "server/http_limits.hpp"

namespace awa::server {

enum class Durability {
  process,  // acknowledged writes survive the process dying (WAL written, not fsynced)
  power,    // acknowledged writes survive power loss (WAL fsynced, one sync per group)
};

enum class LogLevel { debug, info, warn, error };

struct Settings {
  std::string listen_address;
  std::uint16_t listen_port = 0;
  std::string data_dir;
  unsigned threads = 0;  // 0: one per core but one (at least one)
  unsigned busy_poll_microseconds = 0;
  Durability durability = Durability::process;
  bool demo = false;
  LogLevel log_level = LogLevel::info;
  unsigned read_timeout_seconds = 0;
  unsigned idle_timeout_seconds = 0;
  unsigned max_connections = 0;
  unsigned max_requests_per_connection = 0;
  std::size_t max_header_kib = 0;
  std::size_t max_body_kib = 0;
  std::size_t max_answer_mib = 0;
  std::size_t answer_buffer_mib = 0;
  std::size_t rocksdb_write_buffer_mib = 0;
  std::size_t rocksdb_block_cache_mib = 0;
  std::string snapshot_dir;                // <data-dir>.snapshots unless given
  unsigned snapshot_interval_seconds = 0;  // 0: only on demand
  unsigned snapshot_keep = 0;
  unsigned event_retention_hours = 0;
  std::size_t event_retention_count = 0;
  std::size_t event_stream_buffer_kib = 0;
  unsigned webhook_timeout_seconds = 0;
  bool webhook_allow_insecure = false;
  std::string tls_certificate;  // PEM chain; with tls_key, the server speaks HTTPS only
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

// The HTTP layer's limits, as the settings give them.
HttpLimits http_limits(const Settings& settings);

}  // namespace awa::server
