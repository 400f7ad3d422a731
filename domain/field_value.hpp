// Parsing of the scalar values the APIs take as text: booleans in all their platform forms
// and whole numbers. JSON and XML bodies both reach the domain as text.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace awa::domain {

// true/yes/1 and false/no/0, any case.
std::optional<bool> parse_bool(std::string_view text);

// A decimal integer, optionally signed; "30" and "30.0" both read as 30.
std::optional<std::int64_t> parse_integer(std::string_view text);

inline std::string_view bool_text(bool b) {
  return b ? "true" : "false";
}

// Whether `text` holds a C0 control character other than tab, CR and LF: such a value cannot be
// written in XML 1.0, and in a log or a terminal it can forge or hide what follows.
inline bool has_control_character(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && c != '\t' && c != '\r' && c != '\n') return true;
  }
  return false;
}

// `text` without leading and trailing spaces and tabs.
inline std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace awa::domain
