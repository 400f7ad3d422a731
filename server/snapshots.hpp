// Snapshots of the whole state while serving: RocksDB checkpoints taken by the commit writer
// between two writes, so a snapshot holds exactly the changes made before it was asked for
// (pending countdowns included: a server started on a copy re-arms them). Named by UTC time,
// the newest `keep` kept. Taken on demand (the admin endpoint, tools/snapshot) and on a schedule.
// Each is made under a staging name the listing ignores and renamed once whole and synced, and
// renamed out of the listing before it is deleted; what a crash left half-made or half-deleted is
// removed at start.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "domain/instance.hpp"
#include "server/periodic_task.hpp"

namespace awa::server {

class Snapshots {
public:
  Snapshots(domain::Instance& instance, std::filesystem::path directory, unsigned keep);
  ~Snapshots();
  Snapshots(const Snapshots&) = delete;
  Snapshots& operator=(const Snapshots&) = delete;

  // Asks for a snapshot; `done` runs once it is written (or failed), on another thread.
  using Done = std::function<void(std::error_code, const std::filesystem::path&)>;
  void take(Done done);
  // The snapshots on disk, oldest first.
  std::vector<std::string> list() const;
  const std::filesystem::path& directory() const { return directory_; }

  // Takes one every `interval` until stop().
  void start_schedule(std::chrono::seconds interval);
  void stop();

private:
  std::filesystem::path reserve_name();
  void finished(const std::filesystem::path& path, std::error_code error);
  // Caller holds mutex_: deletes the oldest snapshots beyond `keep`.
  void prune();

  domain::Instance& instance_;
  const std::filesystem::path directory_;
  const unsigned keep_;
  mutable std::mutex mutex_;
  std::set<std::string> in_progress_;
  PeriodicTask schedule_;
};

}  // namespace awa::server
