// What a data directory holds before RocksDB opens it, checked before RocksDB writes anything:
// nothing (absent or empty: a new database is made there), or a database (a CURRENT file naming
// a MANIFEST that exists). Anything else is refused: RocksDB would make a new database over it
// and delete the table files it does not know, which is how a lost CURRENT lost every record.
#pragma once

#include <filesystem>

namespace awa::persistence {

enum class DataDirectory {
  fresh,     // absent, or empty (a file system's lost+found aside)
  database,  // CURRENT names a MANIFEST that is there
};

// Throws std::runtime_error, naming what is missing, for a directory that holds files but no
// database, and for a path that is not a directory.
DataDirectory inspect_data_directory(const std::filesystem::path& directory);

// After a failed creation in a fresh directory: removes what the attempt left there (and the
// directory itself when it was absent), so the next start finds it fresh again.
void undo_creation(const std::filesystem::path& directory, bool existed);

}  // namespace awa::persistence
