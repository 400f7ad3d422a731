// A record's values packed into one allocation: a varint count, then each value as a varint
// header and, for text, its bytes. The header is the text's length times two, or, for a value
// the values' ValueDictionary shares, its code plus one, times two, plus one (no bytes follow);
// header 1 repeats the previous value (a new record's sys_updated_on is its sys_created_on, 19
// bytes not held twice: a pending work item's block falls from 192 to 160 bytes). One allocation
// per record instead of one std::string (32 bytes plus a heap block for anything over 15
// characters) per field, and shared values (booleans, states, the sys_ids of queues and agents)
// take a byte or two each.
// Values are coded against one dictionary, named in their block (a State's, once they are in
// it; ValueDictionary::fixed() before), and must not outlive it. serialize() gives every value
// as text, with its length as header, so codes never leave the process; unpack() reads it back.
// (The persistence codec stores records from values(), in a compact form of its own, and reads them
// back through unpack().)
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "memory/value_dictionary.hpp"

namespace awa::memory {

class PackedValues {
public:
  PackedValues() = default;
  // Coded against ValueDictionary::fixed().
  PackedValues(std::initializer_list<std::string_view> values);
  PackedValues(const PackedValues& other);
  PackedValues(PackedValues&&) noexcept = default;
  PackedValues& operator=(const PackedValues& other);
  PackedValues& operator=(PackedValues&&) noexcept = default;

  // The values in `serialized` (the form serialize() returns), coded against `dictionary`, or
  // nothing if it is malformed.
  static std::optional<PackedValues> unpack(
      std::string_view serialized, const ValueDictionary& dictionary = ValueDictionary::fixed());
  // The dictionary the values are coded against.
  const ValueDictionary& dictionary() const { return ValueDictionary::in_slot(slot()); }
  // The same values coded against `dictionary` (no work if they already are): a record that
  // enters a State is coded against the State's.
  void recode(const ValueDictionary& dictionary);
  // Every value as text: a varint count, then each value's varint length and bytes.
  std::string serialize() const;
  // The bytes as held in memory (codes included).
  std::string_view packed() const {
    if (!data_) return {};
    return {data_.get() + sizeof(std::uint32_t), word() & kSizeMask};
  }

  // Every value in order, as text, into `out` (valid while these values are unchanged): how
  // serialize() and the persistence codec read a record whole.
  void values(std::vector<std::string_view>& out) const;

  std::size_t size() const;
  std::string_view at(std::size_t field) const;
  // Several fields' values in one walk, where at() walks from the first value for each (the
  // indexes read five fields of a work item for every change to it). Fields in ascending order.
  template <std::size_t N>
  std::array<std::string_view, N> at_many(const std::size_t (&fields)[N]) const {
    std::array<std::string_view, N> values;
    at_each(fields, values);
    return values;
  }
  void at_each(std::span<const std::size_t> fields, std::span<std::string_view> values) const;
  void set(std::size_t field, std::string_view value);
  // Several fields at once, in one rebuild where set() might rebuild for each (a timeout changes
  // a work item's state, agent and timed_out together). A field given twice takes the last.
  struct FieldValue {
    std::size_t field;
    std::string_view value;
  };
  void set_fields(std::span<const FieldValue> changes);
  void set_fields(std::initializer_list<FieldValue> changes) {
    set_fields(std::span<const FieldValue>(changes.begin(), changes.size()));
  }
  // Appends empty values or drops trailing ones.
  void resize(std::size_t count);
  void push_back(std::string_view value);

  // Lets `values[i] = "x"` and `values[i] == "x"` read as they would on strings.
  class Ref {
  public:
    Ref(PackedValues& values, std::size_t field) : values_(values), field_(field) {}
    Ref(const Ref&) = default;
    Ref& operator=(std::string_view value) {
      values_.set(field_, value);
      return *this;
    }
    Ref& operator=(const Ref& other) { return *this = std::string_view(other); }
    operator std::string_view() const { return values_.at(field_); }
    std::string str() const { return std::string(values_.at(field_)); }
    bool empty() const { return values_.at(field_).empty(); }
    void clear() { values_.set(field_, {}); }
    friend bool operator==(const Ref& a, std::string_view b) { return std::string_view(a) == b; }
    friend std::ostream& operator<<(std::ostream& out, const Ref& ref);

  private:
    PackedValues& values_;
    std::size_t field_;
  };
  Ref operator[](std::size_t field) { return {*this, field}; }
  std::string_view operator[](std::size_t field) const { return at(field); }

  // Same values, whether held as text or as codes.
  friend bool operator==(const PackedValues& a, const PackedValues& b);

private:
  // The block's first word: the packed bytes' length in the low 24 bits, the dictionary's slot
  // in the high 8.
  static constexpr std::uint32_t kSizeMask = (1U << 24) - 1;
  std::uint32_t word() const {
    std::uint32_t word;
    std::memcpy(&word, data_.get(), sizeof word);
    return word;
  }
  std::uint8_t slot() const { return data_ ? static_cast<std::uint8_t>(word() >> 24) : 0; }
  void assign(std::string_view packed, std::uint8_t slot);
  static void put_value(std::string& out, std::string_view value, std::string_view previous,
                        const ValueDictionary& dictionary);

  // The first word, then the bytes; null when empty. Keeping the length and the dictionary in
  // the block makes this one pointer, and a Record 32 bytes rather than 40 (an allocator class
  // of 32 rather than 48 for each of a million work items and their documents).
  std::unique_ptr<char[]> data_;
};

// Prints the values as a list, for test failures and logs.
std::ostream& operator<<(std::ostream& out, const PackedValues& values);

}  // namespace awa::memory
