#include "persistence/data_directory.hpp"

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace awa::persistence {
namespace {

namespace fs = std::filesystem;

// A name RocksDB gives its MANIFEST files: "MANIFEST-" and digits.
bool is_manifest_name(const std::string& name) {
  constexpr std::string_view prefix = "MANIFEST-";
  return name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
         name.find_first_not_of("0123456789", prefix.size()) == std::string::npos;
}

[[noreturn]] void refuse(const fs::path& directory, const std::string& what) {
  throw std::runtime_error(
      "the data directory " + directory.string() + " holds files but " + what +
      ": it is not a database this server can open, or a damaged one. Nothing in it was "
      "changed. Restore the file (CURRENT is one line, the name of the newest MANIFEST-NNNNNN "
      "file), restore a snapshot, or start on an empty directory.");
}

}  // namespace

DataDirectory inspect_data_directory(const fs::path& directory) {
  std::error_code error;
  const auto status = fs::status(directory, error);
  if (status.type() == fs::file_type::not_found) return DataDirectory::fresh;
  if (error) {
    throw std::runtime_error("cannot read the data directory " + directory.string() + ": " +
                             error.message());
  }
  if (!fs::is_directory(status)) {
    throw std::runtime_error("the data directory " + directory.string() + " is not a directory");
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) {
    const std::string name = entry.path().filename().string();
    if (name != "lost+found") names.push_back(name);
  }
  if (names.empty()) return DataDirectory::fresh;

  const fs::path current = directory / "CURRENT";
  if (!fs::is_regular_file(current, error)) refuse(directory, "no CURRENT file");
  std::ifstream in(current);
  std::string manifest;
  std::getline(in, manifest);
  if (!is_manifest_name(manifest)) {
    refuse(directory, "a CURRENT file that names no MANIFEST file");
  }
  if (!fs::is_regular_file(directory / manifest, error)) {
    refuse(directory, "not the " + manifest + " that its CURRENT file names");
  }
  return DataDirectory::database;
}

void undo_creation(const fs::path& directory, bool existed) {
  std::error_code ignored;
  if (!existed) {
    fs::remove_all(directory, ignored);
    return;
  }
  for (const auto& entry : fs::directory_iterator(directory, ignored)) {
    if (entry.path().filename() != "lost+found") fs::remove_all(entry.path(), ignored);
  }
}

}  // namespace awa::persistence
