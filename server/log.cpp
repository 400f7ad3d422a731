#include "server/log.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

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

// Now, as 2026-12-07T15:04:05.123 (UTC).
std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  const auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%03d", static_cast<int>(ms.count()));
  return text;
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
  std::string line = timestamp();
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
