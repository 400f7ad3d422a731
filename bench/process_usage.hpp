// What a process (a server under test, or the bench itself) has used, read from /proc: CPU
// time, all threads counted, and resident memory. CPU per request is the comparison that holds
// when client and server share a small machine: a server's throughput there also depends on
// how much CPU the client leaves it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace awa::bench {

struct ProcessUsage {
  double cpu_seconds = 0;  // user and system, every thread, since the process started
  std::uint64_t rss_kib = 0;
  std::uint64_t peak_rss_kib = 0;

  ProcessUsage& operator+=(const ProcessUsage& other) {
    cpu_seconds += other.cpu_seconds;
    rss_kib += other.rss_kib;
    peak_rss_kib += other.peak_rss_kib;
    return *this;
  }
};

// utime + stime, in clock ticks, from the text of /proc/PID/stat (whose second field, the
// command in parentheses, may itself hold spaces and parentheses); nothing if malformed.
std::optional<std::uint64_t> cpu_ticks_of_stat(std::string_view stat);

// The process's usage now; nothing if it is gone (or /proc cannot be read).
std::optional<ProcessUsage> read_process_usage(int pid);

// The sum over `pids` (a server of several processes, as nginx with its workers); nothing if
// any is gone.
std::optional<ProcessUsage> read_processes_usage(std::span<const int> pids);

}  // namespace awa::bench
