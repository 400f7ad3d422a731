#include "memory/value_dictionary.hpp"

#include <memory>
#include <mutex>

namespace awa::memory {
namespace {

// The vocabulary every instance uses, with the same codes in every dictionary: booleans, work
// item and consult states, display options, document tables. (sys_ids are added as their
// records are: see State.)
constexpr std::array<std::string_view, 13> kFixedVocabulary = {
    "true",        "false", "pending_accept", "accepted",     "queued",      "cancelled", "open",
    "transferred", "ended", "card_only",      "card_and_tab", "interaction", "task"};

std::mutex slots_mutex;
std::size_t next_slot = 1;  // handed out in turn, so a slot just let go is the last one reused

}  // namespace

ValueDictionary::ValueDictionary()
    : filter_(std::make_unique<std::atomic<std::uint64_t>[]>(kFilterBits / 64)),
      capacity_(kCapacity),
      texts_(std::allocator<std::string_view>().allocate(kCapacity), FreeTexts{kCapacity}) {
  add_fixed_vocabulary();
  std::lock_guard lock(slots_mutex);
  for (std::size_t tried = 0; tried + 1 < kSlots; ++tried) {
    const std::size_t slot = next_slot;
    next_slot = next_slot + 1 == kSlots ? 1 : next_slot + 1;
    if (slots_[slot].load(std::memory_order_relaxed) == nullptr) {
      slot_ = static_cast<std::uint8_t>(slot);
      slots_[slot].store(this, std::memory_order_release);
      return;
    }
  }
  sealed_ = true;  // every slot taken: values coded against this one must read in slot 0
}

ValueDictionary::ValueDictionary(FixedTag)
    : filter_(std::make_unique<std::atomic<std::uint64_t>[]>(kFilterBits / 64)),
      capacity_(kFixedVocabulary.size()),
      texts_(std::allocator<std::string_view>().allocate(kFixedVocabulary.size()),
             FreeTexts{kFixedVocabulary.size()}) {
  add_fixed_vocabulary();
  sealed_ = true;
}

ValueDictionary::~ValueDictionary() {
  if (slot_ == 0) return;
  std::lock_guard lock(slots_mutex);
  slots_[slot_].store(nullptr, std::memory_order_release);
}

const ValueDictionary& ValueDictionary::fixed() {
  static const ValueDictionary dictionary{FixedTag{}};
  return dictionary;
}

void ValueDictionary::add_fixed_vocabulary() {
  for (const std::string_view word : kFixedVocabulary) add(word);
  for (std::uint32_t code = 0; code < size(); ++code) {
    fixed_[texts_[code].size()].push_back(code);
  }
}

std::uint64_t ValueDictionary::hash(std::string_view text) {
  return std::hash<std::string_view>{}(text);
}

std::optional<std::uint32_t> ValueDictionary::find_fixed(std::string_view text) const {
  for (const std::uint32_t code : fixed_[text.size()]) {
    if (texts_[code] == text) return code;
  }
  return std::nullopt;
}

void ValueDictionary::add(std::string_view text) {
  if (sealed_ || text.size() > kMaxLength || find(text)) return;
  std::unique_lock lock(mutex_);
  const std::size_t code = size_.load(std::memory_order_relaxed);
  if (code >= capacity_ || codes_.contains(text)) return;
  const std::string_view stored = storage_.emplace_back(text);
  std::construct_at(&texts_[code], stored);  // before the code can be seen
  codes_.emplace(stored, static_cast<std::uint32_t>(code));
  const std::uint64_t h = hash(text);
  for (const std::uint64_t bit : {h % kFilterBits, (h >> 32) % kFilterBits}) {
    filter_[bit / 64].fetch_or(std::uint64_t{1} << (bit % 64), std::memory_order_release);
  }
  size_.store(code + 1, std::memory_order_release);
  lengths_.fetch_or(std::uint64_t{1} << text.size(), std::memory_order_release);
}
std::optional<std::uint32_t> ValueDictionary::find(std::string_view text) const {
  if (text.size() > kMaxLength ||
      (lengths_.load(std::memory_order_acquire) & (std::uint64_t{1} << text.size())) == 0) {
    return std::nullopt;
  }
  if (const auto fixed = find_fixed(text)) return fixed;
  const std::uint64_t h = hash(text);
  for (const std::uint64_t bit : {h % kFilterBits, (h >> 32) % kFilterBits}) {
    if ((filter_[bit / 64].load(std::memory_order_acquire) & (std::uint64_t{1} << (bit % 64))) ==
        0) {
      return std::nullopt;  // never added
    }
  }
  std::shared_lock lock(mutex_);
  const auto it = codes_.find(text);
  if (it == codes_.end()) return std::nullopt;
  return it->second;
}

}  // namespace awa::memory
