// RocksDB's info log, handed to a function (the server's log) instead of a LOG file in the data
// directory. RocksDB 7.8 writes its LOG file through a file writer that, as Debian builds it
// (with assertions), aborts the process on the first line after an append failed: on a full
// disk the server died of its own diagnostics, and again at every start on that disk.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

namespace rocksdb {
class Logger;
}

namespace awa::persistence {

enum class LogSeverity { debug, info, warn, error };
using LogSink = std::function<void(LogSeverity, std::string_view)>;

// RocksDB's lines of `least` severity and above go to `sink`, each as one message; the options
// dump RocksDB writes at every open counts as debug.
std::shared_ptr<rocksdb::Logger> make_info_log(LogSink sink, LogSeverity least);

}  // namespace awa::persistence
