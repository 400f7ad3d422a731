// awa-server: the binary. Reads the settings, opens the data directory, rebuilds the state,
// seeds a new directory, serves until SIGINT/SIGTERM, then closes RocksDB cleanly.
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "domain/instance.hpp"
#include "domain/seed_data.hpp"
#include "persistence/rocksdb_log.hpp"
#include "server/api.hpp"
#include "server/basic_auth.hpp"
#include "server/event_retention.hpp"
#include "server/http_server.hpp"
#include "server/huge_page_load_arena.hpp"
#include "server/log.hpp"
#include "server/rate_limited_log.hpp"
#include "server/settings.hpp"
#include "server/slow_work_pool.hpp"
#include "server/sodium_password_hasher.hpp"
#include "server/timeout_driver.hpp"
#include "server/webhook_delivery.hpp"

namespace {

using namespace awa;

// The admin password of a new data directory: AWA_ADMIN_PASSWORD, else 'admin' for a demo,
// else a generated one that is printed once.
std::string admin_password(const server::Settings& settings) {
  if (const char* from_env = std::getenv("AWA_ADMIN_PASSWORD"); from_env && *from_env) {
    return from_env;
  }
  if (settings.demo) return "admin";
  std::string generated = server::random_password(20);
  server::log::warn("generated the admin password (shown only now): " + generated);
  return generated;
}

// RocksDB's info lines (its flushes and compactions, routine) are this server's debug ones.
server::LogLevel log_level_of(persistence::LogSeverity severity) {
  switch (severity) {
    case persistence::LogSeverity::debug:
    case persistence::LogSeverity::info:
      return server::LogLevel::debug;
    case persistence::LogSeverity::warn:
      return server::LogLevel::warn;
    case persistence::LogSeverity::error:
      return server::LogLevel::error;
  }
  return server::LogLevel::error;
}

// The data, and its snapshots, hold password hashes: a directory that other users may enter,
// made before this server's umask or by hand, is worth a word.
void warn_if_others_can_read(const std::string& directory) {
  std::error_code error;
  const auto permissions = std::filesystem::status(directory, error).permissions();
  if (error || !std::filesystem::exists(directory, error)) return;
  using std::filesystem::perms;
  if ((permissions & (perms::group_all | perms::others_all)) == perms::none) return;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(permissions & perms::mask));
  server::log::warn("the directory " + directory + " may be read by other users (mode " + mode +
                    "): it holds password hashes; chmod 700 it");
}

// Each connection is a descriptor: lift the soft limit (often 1024) toward the hard one, so the
// connection cap, not EMFILE, is what a flood meets.
void raise_open_file_limit(unsigned connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = std::min<rlim_t>(limit.rlim_max, connections + 256);
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = wanted;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    server::log::warn("cannot raise the open file limit to " + std::to_string(wanted));
  }
}

int serve(const server::Settings& settings) {
  server::require_io_backend();  // before the data directory is read: fail fast
  raise_open_file_limit(settings.max_connections);
  // Bound, and the TLS files loaded, before the data directory is touched: a start that fails
  // on its address or its certificate leaves the directory as it was (a new one unseeded, and
  // no admin password printed by a run that never served).
  server::Listener listener(settings.listen_address, settings.listen_port);
  std::optional<boost::asio::ssl::context> tls;
  if (!settings.tls_certificate.empty()) {
    server::configure_tls(
        tls.emplace(boost::asio::ssl::context::tls_server),
        {settings.tls_certificate, settings.tls_key, settings.tls_key_password_file});
  }

  warn_if_others_can_read(settings.data_dir);
  warn_if_others_can_read(settings.snapshot_dir);
  server::SodiumPasswordHasher hasher;
  domain::SystemClock clock;
  persistence::RocksdbOptions storage;
  storage.directory = settings.data_dir;
  storage.write_buffer_bytes = settings.rocksdb_write_buffer_mib << 20;
  storage.block_cache_bytes = settings.rocksdb_block_cache_mib << 20;
  // A lasting fault (a full disk) makes RocksDB repeat itself every second.
  server::RateLimitedLog storage_log(0.1, 20);
  storage.log_sink = [&storage_log](persistence::LogSeverity severity, std::string_view line) {
    const auto level = log_level_of(severity);
    level == server::LogLevel::debug ? server::log::debug(line) : storage_log.write(level, line);
  };
  storage.log_severity = server::log::enabled(server::LogLevel::debug)
                             ? persistence::LogSeverity::info
                             : persistence::LogSeverity::warn;
  // Password hashes (sign-ins, password changes) and long reads: two threads, at most 64 waiting.
  server::SlowWorkPool slow_work(2, 64);
  persistence::RocksdbLog durable_log(storage);
  if (const auto error = durable_log.unwritable()) {
    server::log::error("the data directory " + settings.data_dir + " cannot take writes (" +
                       error.message() +
                       "): serving reads; changes are refused with 503 until it can");
  }
  domain::Instance instance(clock, durable_log, hasher,
                            settings.durability == server::Durability::power);
  server::Snapshots snapshots(instance, settings.snapshot_dir, settings.snapshot_keep);
  server::Authenticator authenticator(instance, hasher);
  server::RenderedEvents rendered_events;  // for the streams and the webhooks alike
  server::WebhookDelivery webhooks(
      instance, clock,
      {std::chrono::seconds(settings.webhook_timeout_seconds), settings.webhook_allow_insecure},
      rendered_events);
  server::Api api(
      instance, authenticator,
      [&slow_work](server::SlowWorkPool::Priority priority, server::SlowWorkPool::Work work,
                   std::function<bool()> abandoned) {
        return slow_work.try_post(priority, std::move(work), std::move(abandoned));
      },
      &snapshots,
      server::ApiOptions{{}, settings.max_answer_mib << 20, &rendered_events, [&webhooks] {
                           webhooks.refresh_soon();
                         }});
  const bool https = tls.has_value();
  server::HttpServer http(api, std::move(listener), server::http_limits(settings), settings.threads,
                          std::chrono::microseconds(settings.busy_poll_microseconds),
                          std::move(tls));

  server::HugePageLoadArena load_arena;
  if (const auto error = instance.load(&load_arena)) {
    server::log::error("cannot read the data directory " + settings.data_dir + ": " +
                       error.message());
    return 1;
  }
  if (instance.is_new()) {
    if (const auto error = instance.initialize({admin_password(settings), settings.demo})) {
      server::log::error("cannot seed the new data directory: " + error.message());
      return 1;
    }
    server::log::info(std::string("initialised a new data directory") +
                      (settings.demo ? " with the demo data" : ""));
  } else if (settings.demo) {
    server::log::warn("--demo: the data directory already holds data; demo data not loaded");
  }
  server::log::info("loaded " + std::to_string(instance.record_count()) + " records from " +
                    settings.data_dir);

  server::EventRetention retention(instance, clock,
                                   std::chrono::hours(settings.event_retention_hours),
                                   settings.event_retention_count);
  if (const auto error = retention.start()) {
    server::log::warn("trimming old events failed (they stay until it works): " + error.message());
  }
  // Counted before the driver starts: it may expire the overdue ones at once.
  server::log::info(std::to_string(instance.pending_timeouts()) + " offers counting down");
  server::TimeoutDriver timeouts(instance);
  timeouts.start();
  webhooks.start();
  if (settings.snapshot_interval_seconds != 0) {
    snapshots.start_schedule(std::chrono::seconds(settings.snapshot_interval_seconds));
  }

  server::log::info("listening on " + settings.listen_address + ":" + std::to_string(http.port()) +
                    (https ? " (HTTPS)" : "") + " with " + std::to_string(settings.threads) +
                    " threads, durability " +
                    (settings.durability == server::Durability::power ? "power" : "process") +
                    ", I/O on " + server::io_backend());
  http.run();
  slow_work.join();  // idle by now: every request in hand was answered before run() returned

  webhooks.stop();  // its last progress written before the log closes
  timeouts.stop();
  retention.stop();
  snapshots.stop();
  instance.stop();
  const auto written = instance.commit_stats();
  durable_log.close();
  server::log::info("stopped; " + std::to_string(written.change_sets) + " changes in " +
                    std::to_string(written.writes) + " writes; data directory closed cleanly");
  return 0;
}

}  // namespace

int main(int argc, char* argv[]) {
  // Signals that would end the process without a word: SIGUSR1 and SIGUSR2 mean nothing here;
  // SIGHUP is noted once serving (HttpServer) and ignored before; a closed connection is an
  // error on the write, not a SIGPIPE.
  for (const int ignored : {SIGUSR1, SIGUSR2, SIGHUP, SIGPIPE}) std::signal(ignored, SIG_IGN);
  // Files and directories the server makes are its own: the data holds password hashes.
  ::umask(077);
  const auto command_line = awa::server::parse_command_line(argc, argv);
  if (!command_line.settings) {
    std::fputs(command_line.output.c_str(), command_line.exit_code == 0 ? stdout : stderr);
    return command_line.exit_code;
  }
  awa::server::log::set_level(command_line.settings->log_level);
  try {
    return serve(*command_line.settings);
  } catch (const std::exception& e) {
    awa::server::log::error(e.what());
    return 1;
  }
}
