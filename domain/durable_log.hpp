// The ports the domain needs from storage, implemented by the persistence layer.
#pragma once

#include <filesystem>
#include <functional>
#include <span>
#include <system_error>

#include "domain/change_set.hpp"
#include "memory/value_dictionary.hpp"

namespace awa::domain {

class DurableLog {
public:
  virtual ~DurableLog() = default;
  // Writes every change set as one atomic batch. With `sync`, it survives power loss on return;
  // without, it survives the process dying.
  virtual std::error_code write(std::span<const ChangeSet* const> sets, bool sync) = 0;
  // After a failed write, or while unwritable(): makes the log take writes again if the disk
  // allows (reopening it if need be); the error while it does not.
  virtual std::error_code resume() { return {}; }
  // Why the log cannot take writes now (it opened read-only on a full disk); empty when it can.
  virtual std::error_code unwritable() const { return {}; }
  // Calls `sink` with every stored record, at start-up, its values coded against `dictionary`
  // (the State's they are loaded into).
  virtual std::error_code load(const memory::ValueDictionary& dictionary,
                               const std::function<void(Record&&)>& sink) = 0;
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
