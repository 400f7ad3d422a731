// The ports the domain needs from storage, implemented by the persistence layer.
#pragma once

#include <filesystem>
#include <functional>
#include <span>
#include <system_error>

#include "domain/change_set.hpp"
#include "domain/event.hpp"
#include "memory/value_dictionary.hpp"

namespace awa::domain {

class DurableLog {
public:
  virtual ~DurableLog() = default;
  // How a write numbers the events its changes make (RecordChange::event, in order): from
  // `first`. `void_from`, when not 0: events numbered from there on that a failed write may
  // have left are dropped first (they belonged to changes that were undone).
  struct EventNumbers {
    std::uint64_t first = 1;
    std::uint64_t void_from = 0;
  };
  // Writes every change set, and the events of their changes, as one atomic batch. With
  // `sync`, it survives power loss on return; without, it survives the process dying.
  virtual std::error_code write(std::span<const ChangeSet* const> sets, EventNumbers events,
                                bool sync) = 0;
  // After a failed write, or while unwritable(): makes the log take writes again if the disk
  // allows (reopening it if need be); the error while it does not.
  virtual std::error_code resume() { return {}; }
  // Why the log cannot take writes now (it opened read-only on a full disk); empty when it can.
  virtual std::error_code unwritable() const { return {}; }
  // Calls `sink` with every stored record, at start-up, its values coded against `dictionary`
  // (the State's they are loaded into).
  virtual std::error_code load(const memory::ValueDictionary& dictionary,
                               const std::function<void(Record&&)>& sink) = 0;
  // The newest event stored (0: none), once loaded; the next write numbers from the one after.
  virtual std::uint64_t last_event() const = 0;
  // The oldest event still kept (0: none).
  virtual std::uint64_t first_event() const = 0;
  // Calls `sink` with the events numbered after `after`, oldest first, until it returns false
  // or none is left. Their records are coded against ValueDictionary::fixed().
  virtual std::error_code read_events(std::uint64_t after,
                                      const std::function<bool(Event&&)>& sink) const = 0;
  // Drops the events that are older than `before` by time, or beyond the newest `keep` by
  // number; the newest event always stays (it carries the numbering across restarts).
  virtual std::error_code trim_events(TimePoint before, std::uint64_t keep) = 0;
  // Copies everything written so far to `directory` (which must not exist), as a data directory
  // a server can start on.
  virtual std::error_code checkpoint(const std::filesystem::path& directory) = 0;
};

// Hashes passwords (slowly, on purpose) and checks them against a stored hash.
class PasswordHasher {
public:
  virtual ~PasswordHasher() = default;
  virtual std::string hash(std::string_view password) const = 0;
  virtual bool verify(std::string_view stored_hash, std::string_view password) const = 0;
};

}  // namespace awa::domain
