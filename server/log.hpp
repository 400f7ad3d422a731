// The server's log: one line per event on stderr, with a UTC time and a level.
#pragma once

#include <string_view>

#include "server/settings.hpp"

namespace awa::server::log {

void set_level(LogLevel level);
bool enabled(LogLevel level);
void write(LogLevel level, std::string_view message);

inline void debug(std::string_view m) {
  if (enabled(LogLevel::debug)) write(LogLevel::debug, m);
}
inline void info(std::string_view m) {
  write(LogLevel::info, m);
}
inline void warn(std::string_view m) {
  write(LogLevel::warn, m);
}
inline void error(std::string_view m) {
  write(LogLevel::error, m);
}

}  // namespace awa::server::log
