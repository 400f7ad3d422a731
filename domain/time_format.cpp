#include "domain/time_format.hpp"

#include <cstdio>
#include <string>

namespace awa::domain {
namespace {

struct Civil {
  int year, month, day, hour, minute, second, millisecond;
};

Civil to_civil(TimePoint t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const auto in_day = t - days;
  const long long ms = in_day.count();
  return {static_cast<int>(ymd.year()),
          static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day())),
          static_cast<int>(ms / 3'600'000),
          static_cast<int>(ms / 60'000 % 60),
          static_cast<int>(ms / 1000 % 60),
          static_cast<int>(ms % 1000)};
}

// "YYYY-MM-DD<sep>hh:mm:ss", with ".mmm" when `millis`: fixed-width digits written directly,
// since these stamps are on every answer and every change: snprintf is slow for them.
std::string format(TimePoint t, char separator, bool millis) {
  const Civil c = to_civil(t);
  if (c.year < 0 || c.year > 9999) {  // out of the fixed width: let printf widen it
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d%c%02d:%02d:%02d", c.year, c.month, c.day,
                  separator, c.hour, c.minute, c.second);
    std::string out = buffer;
    if (millis) out += "." + std::to_string(1000 + c.millisecond).substr(1);
    return out;
  }
  std::string out(millis ? 23 : 19, '0');
  const auto put = [&out](std::size_t at, int value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      out[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, c.year, 4);
  out[4] = '-';
  put(5, c.month, 2);
  out[7] = '-';
  put(8, c.day, 2);
  out[10] = separator;
  put(11, c.hour, 2);
  out[13] = ':';
  put(14, c.minute, 2);
  out[16] = ':';
  put(17, c.second, 2);
  if (millis) {
    out[19] = '.';
    put(20, c.millisecond, 3);
  }
  return out;
}

// "yyyy-MM-dd<separator>HH:mm:ss", then ".SSS" when `millis`, exactly, with a real date. Every
// change to a work item parses its deadline, and every record written parses its stamps (to
// store them as numbers): the separators, then the digits without a branch each.
std::optional<TimePoint> parse(std::string_view text, char separator, bool millis) {
  if (text.size() != (millis ? 23u : 19u)) return std::nullopt;
  const char* p = text.data();
  if (p[4] != '-' || p[7] != '-' || p[10] != separator || p[13] != ':' || p[16] != ':' ||
      (millis && p[19] != '.')) {
    return std::nullopt;
  }
  bool bad = false;  // a character that is not a digit where a digit belongs
  const auto digit = [&](std::size_t i) {
    const unsigned value = static_cast<unsigned>(static_cast<unsigned char>(p[i])) - '0';
    bad |= value > 9;
    return static_cast<int>(value);
  };
  const auto two = [&](std::size_t i) { return digit(i) * 10 + digit(i + 1); };
  const int year = two(0) * 100 + two(2), month = two(5), day = two(8), hour = two(11),
            minute = two(14), second = two(17), milli = millis ? two(20) * 10 + digit(22) : 0;
  if (bad || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return TimePoint{std::chrono::sys_days{ymd}} + std::chrono::hours{hour} +
         std::chrono::minutes{minute} + std::chrono::seconds{second} + Milliseconds{milli};
}

}  // namespace

std::optional<TimePoint> parse_offer_time(std::string_view text) {
  return parse(text, 'T', true);  // 2024-04-03T23:09:31.000
}

std::optional<TimePoint> parse_table_time(std::string_view text) {
  return parse(text, ' ', false);  // 2024-04-03 23:09:31
}

std::string format_offer_time(TimePoint t) {
  return format(t, 'T', true);
}

std::string format_table_time(TimePoint t) {
  return format(t, ' ', false);
}

}  // namespace awa::domain
