#include "server/snapshots.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "server/log.hpp"

namespace awa::server {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "snapshot-";
// A snapshot is made under this name (and RocksDB's checkpoint under it + ".tmp"), and renamed
// to its own once whole and synced; one is renamed to the other before it is deleted. A crash
// meanwhile leaves nothing that looks like a snapshot.
constexpr std::string_view kStaging = ".partial-";
constexpr std::string_view kDeleting = ".deleting-";

bool is_snapshot(const fs::directory_entry& entry) {
  const auto name = entry.path().filename().string();
  std::error_code error;
  return name.starts_with(kPrefix) && !name.ends_with(".tmp") && entry.is_directory(error);
}

// fsync of a file or a directory; the error, if any.
std::error_code sync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {errno, std::generic_category()};
  std::error_code error;
  if (::fsync(fd) != 0) error = {errno, std::generic_category()};
  ::close(fd);
  return error;
}

// Makes a snapshot made under `staging` durable and gives it its name: every file and the
// directory synced, then the rename, then the directory that holds it synced.
std::error_code publish(const fs::path& staging, const fs::path& final_path) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(staging, error)) {
    if (const auto synced = sync_path(entry.path())) return synced;
  }
  if (error) return error;
  if (const auto synced = sync_path(staging)) return synced;
  fs::rename(staging, final_path, error);
  if (error) return error;
  return sync_path(final_path.parent_path());
}

}  // namespace

Snapshots::Snapshots(domain::Instance& instance, std::filesystem::path directory, unsigned keep)
    : instance_(instance), directory_(std::move(directory)), keep_(std::max(1u, keep)) {
  // What a crash in the middle of a snapshot left: never a snapshot, never restored.
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory_, error)) {
    const auto name = entry.path().filename().string();
    if (!name.starts_with(kStaging) && !name.starts_with(kDeleting) &&
        !(name.starts_with(kPrefix) && name.ends_with(".tmp"))) {
      continue;
    }
    std::error_code ignored;
    fs::remove_all(entry.path(), ignored);
    log::warn("removed the unfinished snapshot " + entry.path().string());
  }
  std::lock_guard lock(mutex_);
  prune();
}

Snapshots::~Snapshots() {
  stop();
}

std::filesystem::path Snapshots::reserve_name() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  std::lock_guard lock(mutex_);
  // Names sort by time; a second one within the same second gets a suffix.
  std::string name = std::string(kPrefix) + stamp;
  for (int n = 2; in_progress_.count(name) || std::filesystem::exists(directory_ / name); ++n) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "-%03d", n);  // sorts in order
    name = std::string(kPrefix) + stamp + suffix;
  }
  in_progress_.insert(name);
  return directory_ / name;
}

void Snapshots::take(Done done) {
  std::error_code error;
  std::filesystem::create_directories(directory_, error);
  if (error) return done(error, {});
  const auto path = reserve_name();
  const auto staging = directory_ / (std::string(kStaging) + path.filename().string());
  instance_.when_durable(instance_.snapshot(staging),
                         [this, path, staging, done = std::move(done)](std::error_code e) {
                           if (!e) e = publish(staging, path);
                           if (e) {
                             std::error_code ignored;  // a half-made one is no snapshot
                             fs::remove_all(staging, ignored);
                             fs::remove_all(staging.string() + ".tmp", ignored);
                           }
                           finished(path, e);
                           done(e, path);
                         });
}

void Snapshots::finished(const std::filesystem::path& path, std::error_code error) {
  std::lock_guard lock(mutex_);
  in_progress_.erase(path.filename().string());
  if (error) {
    log::error("snapshot " + path.string() + " failed: " + error.message());
    return;
  }
  log::info("snapshot written to " + path.string());
  prune();
}

void Snapshots::prune() {
  std::vector<std::filesystem::path> all;
  std::error_code listed;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, listed)) {
    if (is_snapshot(entry) && !in_progress_.count(entry.path().filename().string())) {
      all.push_back(entry.path());
    }
  }
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i + keep_ < all.size(); ++i) {
    // Out of the listing at once, whole; then deleted, however long that takes.
    const auto doomed = directory_ / (std::string(kDeleting) + all[i].filename().string());
    std::error_code ignored;
    fs::rename(all[i], doomed, ignored);
    if (!ignored) fs::remove_all(doomed, ignored);
  }
}

std::vector<std::string> Snapshots::list() const {
  std::vector<std::string> names;
  std::error_code error;
  std::lock_guard lock(mutex_);
  for (const auto& entry : std::filesystem::directory_iterator(directory_, error)) {
    const auto name = entry.path().filename().string();
    if (is_snapshot(entry) && !in_progress_.count(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void Snapshots::start_schedule(std::chrono::seconds interval) {
  schedule_.start(interval, [this] {
    take([](std::error_code, const std::filesystem::path&) {});  // logged when finished
  });
}

void Snapshots::stop() {
  schedule_.stop();
}

}  // namespace awa::server
