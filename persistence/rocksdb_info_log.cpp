#include "persistence/rocksdb_info_log.hpp"

#include <rocksdb/env.h>

#include <cstdarg>
#include <cstdio>
#include <string>

namespace awa::persistence {
namespace {

class SinkLogger final : public rocksdb::Logger {
public:
  SinkLogger(LogSink sink, LogSeverity least, rocksdb::InfoLogLevel least_level)
      : rocksdb::Logger(least_level), sink_(std::move(sink)), least_(least) {}

  // RocksDB's level-less lines are its INFO ones.
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void LogHeader(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::HEADER_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    const LogSeverity severity = severity_of(level);
    if (severity < least_) return;
    std::string message = "rocksdb: ";
    const std::size_t prefix = message.size();
    va_list copy;
    va_copy(copy, ap);
    const int length = std::vsnprintf(nullptr, 0, format, copy);
    va_end(copy);
    if (length <= 0) return;
    message.resize(prefix + static_cast<std::size_t>(length) + 1);
    std::vsnprintf(message.data() + prefix, static_cast<std::size_t>(length) + 1, format, ap);
    message.pop_back();  // the terminating zero
    sink_(severity, message);
  }

private:
  static LogSeverity severity_of(rocksdb::InfoLogLevel level) {
    switch (level) {
      case rocksdb::InfoLogLevel::INFO_LEVEL:
        return LogSeverity::info;
      case rocksdb::InfoLogLevel::WARN_LEVEL:
        return LogSeverity::warn;
      case rocksdb::InfoLogLevel::ERROR_LEVEL:
      case rocksdb::InfoLogLevel::FATAL_LEVEL:
        return LogSeverity::error;
      default:  // DEBUG, and HEADER: the options dump
        return LogSeverity::debug;
    }
  }

  LogSink sink_;
  LogSeverity least_;
};

rocksdb::InfoLogLevel level_of(LogSeverity severity) {
  switch (severity) {
    case LogSeverity::debug:
      return rocksdb::InfoLogLevel::DEBUG_LEVEL;
    case LogSeverity::info:
      return rocksdb::InfoLogLevel::INFO_LEVEL;
    case LogSeverity::warn:
      return rocksdb::InfoLogLevel::WARN_LEVEL;
    case LogSeverity::error:
      return rocksdb::InfoLogLevel::ERROR_LEVEL;
  }
  return rocksdb::InfoLogLevel::WARN_LEVEL;
}

}  // namespace

std::shared_ptr<rocksdb::Logger> make_info_log(LogSink sink, LogSeverity least) {
  return std::make_shared<SinkLogger>(std::move(sink), least, level_of(least));
}

}  // namespace awa::persistence
