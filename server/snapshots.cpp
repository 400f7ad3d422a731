#include "server/snapshots.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "server/log.hpp"

namespace awa::server {
namespace {

constexpr std::string_view kPrefix = "snapshot-";

bool is_snapshot(const std::filesystem::directory_entry& entry) {
  return entry.is_directory() && entry.path().filename().string().starts_with(kPrefix);
}

}  // namespace

Snapshots::Snapshots(domain::Instance& instance, std::filesystem::path directory, unsigned keep)
    : instance_(instance), directory_(std::move(directory)), keep_(std::max(1u, keep)) {}

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
  instance_.when_durable(instance_.snapshot(path),
                         [this, path, done = std::move(done)](std::error_code e) {
                           finished(path, e);
                           done(e, path);
                         });
}

void Snapshots::finished(const std::filesystem::path& path, std::error_code error) {
  std::lock_guard lock(mutex_);
  in_progress_.erase(path.filename().string());
  if (error) {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);  // a half-made checkpoint is no snapshot
    log::error("snapshot " + path.string() + " failed: " + error.message());
    return;
  }
  log::info("snapshot written to " + path.string());
  std::vector<std::filesystem::path> all;
  std::error_code listed;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, listed)) {
    if (is_snapshot(entry) && !in_progress_.count(entry.path().filename().string())) {
      all.push_back(entry.path());
    }
  }
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i + keep_ < all.size(); ++i) {
    std::error_code ignored;
    std::filesystem::remove_all(all[i], ignored);
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
  schedule_ = std::thread([this, interval] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      take([](std::error_code, const std::filesystem::path&) {});  // logged when finished
      lock.lock();
    }
  });
}

void Snapshots::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (schedule_.joinable()) schedule_.join();
}

}  // namespace awa::server
