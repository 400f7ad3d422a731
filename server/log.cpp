#include "server/log.hpp"

#include <unistd.h>

#include <atomic>
#include <string>

#include "domain/clock.hpp"
#include "domain/time_format.hpp"

namespace awa::server::log {
namespace {

std::atomic<LogLevel> g_level{LogLevel::info};

std::string_view name_of(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "DEBUG";
    case LogLevel::info:
      return "INFO";
    case LogLevel::warn:
      return "WARN";
    case LogLevel::error:
      return "ERROR";
  }
  return "?";
}

}  // namespace

void set_level(LogLevel level) {
  g_level = level;
}
bool enabled(LogLevel level) {
  return level >= g_level.load(std::memory_order_relaxed);
}

void write(LogLevel level, std::string_view message) {
  if (!enabled(level)) return;
  std::string line = domain::format_offer_time(domain::SystemClock{}.now());
  line += "Z ";
  line += name_of(level);
  line += ' ';
  // One event, one line: a message never breaks the line.
  for (const char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  line += '\n';
  // One write call per line, so lines from different threads never interleave.
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace awa::server::log
