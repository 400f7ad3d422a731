#include "bench/process_usage.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

namespace awa::bench {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The number after `field` (such as "VmRSS:") on its line of /proc/PID/status, in KiB.
std::uint64_t status_kib(std::string_view status, std::string_view field) {
  for (std::size_t at = status.find(field); at != std::string_view::npos;
       at = status.find(field, at + 1)) {
    if (at != 0 && status[at - 1] != '\n') continue;  // the start of a line only
    std::string_view rest = status.substr(at + field.size());
    rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
    std::uint64_t value = 0;
    std::from_chars(rest.data(), rest.data() + rest.size(), value);
    return value;
  }
  return 0;
}

}  // namespace

std::optional<std::uint64_t> cpu_ticks_of_stat(std::string_view stat) {
  // After the command's closing parenthesis: state (field 3), ..., utime (14), stime (15).
  const std::size_t close = stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);
  std::uint64_t ticks = 0;
  for (int field = 3; field <= 15; ++field) {
    rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
    const std::size_t end = std::min(rest.find(' '), rest.size());
    if (end == 0) return std::nullopt;  // fewer fields than that
    if (field >= 14) {
      std::uint64_t value = 0;
      const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + end, value);
      if (ec != std::errc{} || ptr != rest.data() + end) return std::nullopt;
      ticks += value;
    }
    rest.remove_prefix(end);
  }
  return ticks;
}

std::optional<ProcessUsage> read_process_usage(int pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  const auto stat = read_file(dir + "/stat");
  const auto status = read_file(dir + "/status");
  if (!stat || !status) return std::nullopt;
  const auto ticks = cpu_ticks_of_stat(*stat);
  if (!ticks) return std::nullopt;
  return ProcessUsage{static_cast<double>(*ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK)),
                      status_kib(*status, "VmRSS:"), status_kib(*status, "VmHWM:")};
}

std::optional<ProcessUsage> read_processes_usage(std::span<const int> pids) {
  ProcessUsage total;
  for (const int pid : pids) {
    const auto usage = read_process_usage(pid);
    if (!usage) return std::nullopt;
    total += *usage;
  }
  return total;
}

}  // namespace awa::bench
