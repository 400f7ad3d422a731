#include "memory/packed_values.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <vector>

#include "memory/value_dictionary.hpp"
#include "memory/varint.hpp"

namespace awa::memory {
namespace {

// Reads a varint known to be well formed (the buffer was checked when it was built).
std::uint64_t read_varint(std::string_view& in) {
  const auto first = static_cast<unsigned char>(in.front());
  if (first < 0x80) {  // most headers: one byte
    in.remove_prefix(1);
    return first;
  }
  return *get_varint(in);
}

// Headers: text of n bytes is n * 2; a shared value's code c is (c + 1) * 2 + 1; and 1 says
// "the same as the previous value" (a record's sys_created_on and sys_updated_on, until it is
// first updated), so that value's bytes are not held twice.
constexpr std::uint64_t kSameAsPrevious = 1;

std::uint64_t code_header(std::uint32_t code) {
  return ((std::uint64_t{code} + 1) << 1) | 1;
}

bool is_code(std::uint64_t header) {
  return (header & 1) != 0 && header != kSameAsPrevious;
}

// A header's value: a code's text, the previous value, or the text of the bytes that follow it
// in `in`.
// Inlined: set_fields and at_each call it for every field they pass (22 for a work item), and
// a call was most of its cost.
[[gnu::always_inline]] inline std::string_view value_after(std::uint64_t header,
                                                           std::string_view& in,
                                                           std::string_view previous,
                                                           const ValueDictionary& dictionary) {
  if (header == kSameAsPrevious) return previous;
  if (header & 1) return dictionary.text(static_cast<std::uint32_t>((header >> 1) - 1));
  const std::string_view text = in.substr(0, header >> 1);
  in.remove_prefix(header >> 1);
  return text;
}

// Moves `in` past the value a header starts, without reading it (only text has bytes).
void skip_value(std::uint64_t header, std::string_view& in) {
  if ((header & 1) == 0) in.remove_prefix(header >> 1);
}

// Text, or the header that says it repeats the previous value (worth it from two bytes on).
void put_text(std::string& out, std::string_view value, std::string_view previous) {
  if (value.size() > 1 && value == previous) {
    put_varint(out, kSameAsPrevious);
    return;
  }
  put_varint(out, std::uint64_t{value.size()} << 1);
  out.append(value);
}

}  // namespace

void PackedValues::put_value(std::string& out, std::string_view value, std::string_view previous,
                             const ValueDictionary& dictionary) {
  if (const auto code = dictionary.find(value)) {
    put_varint(out, code_header(*code));
  } else {
    put_text(out, value, previous);
  }
}

PackedValues::PackedValues(std::initializer_list<std::string_view> values) {
  std::string packed;
  put_varint(packed, values.size());
  std::string_view previous;
  for (const auto value : values) {
    put_value(packed, value, previous, ValueDictionary::fixed());
    previous = value;
  }
  assign(packed, 0);
}

PackedValues::PackedValues(const PackedValues& other) {
  assign(other.packed(), other.slot());
}

PackedValues& PackedValues::operator=(const PackedValues& other) {
  if (this != &other) assign(other.packed(), other.slot());
  return *this;
}

void PackedValues::assign(std::string_view packed, std::uint8_t slot) {
  if (packed.size() > kSizeMask) throw std::length_error("record too large");
  const auto size = static_cast<std::uint32_t>(packed.size());
  const std::uint32_t word = size | (std::uint32_t{slot} << 24);
  if (data_ && size == this->packed().size()) {  // same length: reuse the block
    std::memmove(data_.get() + sizeof word, packed.data(), size);
    std::memcpy(data_.get(), &word, sizeof word);
    return;
  }
  if (packed.empty()) {
    data_.reset();
    return;
  }
  auto block = std::make_unique_for_overwrite<char[]>(sizeof word + size);
  std::memcpy(block.get(), &word, sizeof word);
  std::memcpy(block.get() + sizeof size, packed.data(), size);
  data_ = std::move(block);
}

std::optional<PackedValues> PackedValues::unpack(std::string_view serialized,
                                                 const ValueDictionary& dictionary) {
  std::string_view in = serialized;
  const auto count = get_varint(in);
  if (!count || *count > serialized.size()) return std::nullopt;  // each value takes a byte
  thread_local std::string packed;  // reused: a restart unpacks millions of records
  packed.clear();
  put_varint(packed, *count);
  std::string_view previous;
  for (std::uint64_t i = 0; i < *count; ++i) {
    const auto length = get_varint(in);
    if (!length || *length > in.size()) return std::nullopt;
    const std::string_view value = in.substr(0, *length);
    put_value(packed, value, previous, dictionary);
    previous = value;
    in.remove_prefix(*length);
  }
  if (!in.empty() || packed.size() > kSizeMask) return std::nullopt;
  PackedValues values;
  values.assign(packed, dictionary.slot());
  return values;
}

void PackedValues::recode(const ValueDictionary& dictionary) {
  if (!data_ || slot() == dictionary.slot()) return;
  std::string_view in = packed();
  const std::size_t count = read_varint(in);
  // Codes of the fixed vocabulary mean the same in every dictionary: values coded against it
  // (a new record's defaults) need only be named as the new dictionary's, unless the new one
  // would code some of their text.
  if (slot() == 0) {
    bool codes_more = false;
    for (std::size_t i = 0; i < count && !codes_more; ++i) {
      const std::uint64_t header = read_varint(in);
      if ((header & 1) == 0) {
        codes_more = dictionary.find(in.substr(0, header >> 1)).has_value();
        in.remove_prefix(header >> 1);
      }
    }
    if (!codes_more) {
      const std::uint32_t word =
          (this->word() & kSizeMask) | (std::uint32_t{dictionary.slot()} << 24);
      std::memcpy(data_.get(), &word, sizeof word);
      return;
    }
  }
  thread_local std::vector<std::string_view> all;
  values(all);
  thread_local std::string out;
  out.clear();
  put_varint(out, all.size());
  std::string_view previous;
  for (const auto value : all) {
    put_value(out, value, previous, dictionary);
    previous = value;
  }
  assign(out, dictionary.slot());
}

void PackedValues::values(std::vector<std::string_view>& out) const {
  std::string_view in = packed();
  const std::size_t count = in.empty() ? 0 : read_varint(in);
  out.resize(count);
  const ValueDictionary& codes = dictionary();
  std::string_view previous;
  for (auto& value : out) value = previous = value_after(read_varint(in), in, previous, codes);
}

std::string PackedValues::serialize() const {
  std::vector<std::string_view> all;
  values(all);
  std::string out;
  out.reserve(packed().size() + 64);
  put_varint(out, all.size());
  for (const auto value : all) {
    put_varint(out, value.size());
    out.append(value);
  }
  return out;
}

std::size_t PackedValues::size() const {
  std::string_view in = packed();
  return in.empty() ? 0 : read_varint(in);
}

std::string_view PackedValues::at(std::size_t field) const {
  std::string_view value;
  at_each({&field, 1}, {&value, 1});
  return value;
}

void PackedValues::at_each(std::span<const std::size_t> fields,
                           std::span<std::string_view> values) const {
  if (fields.empty()) return;
  std::string_view in = packed();
  const std::size_t count = in.empty() ? 0 : read_varint(in);
  if (fields.back() >= count) throw std::out_of_range("no such field");
  if (!std::is_sorted(fields.begin(), fields.end(), std::less_equal<>())) {
    throw std::invalid_argument("fields out of order");
  }
  const ValueDictionary& codes = dictionary();
  // Skips the values between the fields without reading them (the hot path of every rule: a
  // code is not looked up on the way); a repeat is the nearest value before it that is not one.
  std::uint64_t value_header = 0;  // empty text, where nothing came before
  const char* value_text = in.data();
  std::size_t next = 0;
  for (std::size_t i = 0;; ++i) {
    const std::uint64_t header = read_varint(in);
    if (header != kSameAsPrevious) {
      value_header = header;
      value_text = in.data();
    }
    if (i == fields[next]) {
      std::string_view text(value_text, (value_header & 1) == 0 ? value_header >> 1 : 0);
      values[next] = value_after(value_header, text, {}, codes);
      if (++next == fields.size()) return;
    }
    skip_value(header, in);
  }
}

void PackedValues::set(std::size_t field, std::string_view value) {
  std::string_view in = packed();
  const std::size_t count = in.empty() ? 0 : read_varint(in);
  if (field >= count) throw std::out_of_range("no such field");
  const auto code = dictionary().find(value);
  for (std::size_t i = 0; i < field; ++i) skip_value(read_varint(in), in);
  const std::uint64_t header = read_varint(in);
  if (code && header == code_header(*code)) return;  // that code already
  // Text of the same length as the text it replaces (timestamps, sys_ids, counters) is
  // overwritten in place, without a new allocation, unless the next value repeats it (and
  // would change with it).
  if (!code && (header & 1) == 0 && (header >> 1) == value.size()) {
    if (value.empty()) return;  // (memmove from an empty view's null data is undefined)
    std::string_view next = in.substr(value.size());
    if (field + 1 == count || read_varint(next) != kSameAsPrevious) {
      char* place = data_.get() + (in.data() - data_.get());  // `in` points into data_
      std::memmove(place, value.data(), value.size());  // memmove: `value` may be in this buffer
      return;
    }
  }
  set_fields({{field, value}});  // otherwise, a new block
}

void PackedValues::set_fields(std::span<const FieldValue> changes) {
  std::string_view in = packed();
  const std::size_t count = in.empty() ? 0 : read_varint(in);
  const ValueDictionary& codes = dictionary();
  // Each field's change (the last given for it), found by index rather than by searching the
  // changes for every field (an offer changes ten of a work item's fields at once).
  constexpr std::size_t kOnStack = 64;
  std::array<const FieldValue*, kOnStack> on_stack{};
  std::vector<const FieldValue*> on_heap;
  if (count > kOnStack) on_heap.assign(count, nullptr);
  const std::span<const FieldValue*> change_of =
      count > kOnStack ? std::span<const FieldValue*>(on_heap) : std::span(on_stack).first(count);
  for (const auto& change : changes) {
    if (change.field >= count) throw std::out_of_range("no such field");
    change_of[change.field] = &change;
  }
  // Into a new block: a value may point into this one (another field's). Built in a buffer the
  // thread keeps, not one allocated and freed for every change; a big one (a record written
  // through the Table API may hold a megabyte) is let go after use.
  constexpr std::size_t kKeptCapacity = std::size_t{16} * 1024;
  thread_local std::string out;
  out.clear();
  put_varint(out, count);
  // A field that keeps its value, after a field that kept its own, is encoded as before: such
  // fields' bytes are copied as they are, a run at a time, not decoded and encoded again.
  const char* run = in.data();
  bool previous_changed = false;
  std::string_view old_previous, previous;
  for (std::size_t i = 0; i < count; ++i) {
    const char* field = in.data();
    const std::uint64_t header = read_varint(in);
    const std::string_view old = value_after(header, in, old_previous, codes);
    const FieldValue* change = change_of[i];
    const std::string_view value = change != nullptr ? change->value : old;
    if (change != nullptr || (previous_changed && !is_code(header))) {
      out.append(run, field);
      if (change != nullptr) {
        put_value(out, value, previous, codes);
      } else {
        put_text(out, value, previous);  // the value before it changed
      }
      run = in.data();
    }
    previous_changed = change != nullptr;
    old_previous = old;
    previous = value;
  }
  out.append(run, in.data());
  assign(out, slot());
  if (out.capacity() > kKeptCapacity) std::string().swap(out);
}

void PackedValues::resize(std::size_t count) {
  std::string_view in = packed();
  const std::size_t old_count = in.empty() ? 0 : read_varint(in);
  const ValueDictionary& codes = dictionary();
  std::string out;
  put_varint(out, count);
  std::string_view previous;
  for (std::size_t i = 0; i < count; ++i) {
    if (i >= old_count) {
      put_varint(out, 0);  // empty text
      continue;
    }
    const std::uint64_t header = read_varint(in);
    previous = value_after(header, in, previous, codes);
    put_varint(out, header);  // the values before it are the same: a repeat stays one
    if ((header & 1) == 0) out.append(previous);
  }
  assign(out, slot());
}

void PackedValues::push_back(std::string_view value) {
  const std::size_t count = size();
  resize(count + 1);
  set(count, value);
}

bool operator==(const PackedValues& a, const PackedValues& b) {
  if (a.slot() == b.slot() && a.packed() == b.packed()) return true;  // codes mean the same
  const std::size_t count = a.size();
  if (count != b.size()) return false;
  for (std::size_t i = 0; i < count; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

std::ostream& operator<<(std::ostream& out, const PackedValues::Ref& ref) {
  return out << std::string_view(ref);
}

std::ostream& operator<<(std::ostream& out, const PackedValues& values) {
  out << '[';
  for (std::size_t i = 0; i < values.size(); ++i) out << (i ? ", \"" : "\"") << values[i] << '"';
  return out << ']';
}

}  // namespace awa::memory
