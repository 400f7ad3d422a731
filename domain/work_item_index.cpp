#include "domain/work_item_index.hpp"

#include <algorithm>

namespace awa::domain {

namespace f = work_item_field;

bool WorkItemIndex::indexed(std::size_t field) {
  return field == f::state || field == f::queue || field == f::assigned_to ||
         field == f::document_id;
}

void WorkItemIndex::DocumentItems::add(const Record* item) {
  if (bits_ == 0) {
    bits_ = reinterpret_cast<std::uintptr_t>(item);
    return;
  }
  if (auto* list = many()) return list->push_back(item);
  auto* list = new std::vector<const Record*>{reinterpret_cast<const Record*>(bits_), item};
  bits_ = reinterpret_cast<std::uintptr_t>(list) | 1;
}

void WorkItemIndex::DocumentItems::remove(const Record* item) {
  auto* list = many();
  if (list == nullptr) {
    if (bits_ == reinterpret_cast<std::uintptr_t>(item)) bits_ = 0;
    return;
  }
  std::erase(*list, item);
  if (list->size() > 1) return;
  bits_ = list->empty() ? 0 : reinterpret_cast<std::uintptr_t>(list->front());
  delete list;
}

WorkItemIndex::ByValue& WorkItemIndex::by_value(std::size_t field) {
  return field == f::state ? by_state_ : field == f::queue ? by_queue_ : by_agent_;
}

const WorkItemIndex::Items* WorkItemIndex::find(std::size_t field, std::string_view value) const {
  const auto& map = const_cast<WorkItemIndex*>(this)->by_value(field);
  const auto it = map.find(value);
  return it == map.end() ? nullptr : &it->second;
}

void WorkItemIndex::add_value(std::size_t field, std::string_view value, const Record* item) {
  if (value.empty()) return;  // a queued item's agent, say: found by a scan
  if (field == f::document_id) {
    if (const auto id = SysId::parse(value)) by_document_[*id].add(item);
    return;
  }
  auto& map = by_value(field);
  auto it = map.find(value);
  if (it == map.end()) it = map.try_emplace(std::string(value)).first;
  it->second.insert(static_cast<const Record*>(item));
}

void WorkItemIndex::remove_value(std::size_t field, std::string_view value, const Record* item) {
  if (value.empty()) return;
  if (field == f::document_id) {
    const auto id = SysId::parse(value);
    auto* entry = id ? by_document_.find(*id) : nullptr;
    if (entry == nullptr) return;
    entry->second.remove(item);
    if (entry->second.empty()) by_document_.erase(*id);
    return;
  }
  auto& map = by_value(field);
  const auto it = map.find(value);
  if (it == map.end()) return;
  it->second.erase(item);
  if (it->second.empty()) map.erase(it);
}

void WorkItemIndex::add(const Record& item, const Keys& keys) {
  add_value(f::state, keys.state, &item);
  add_value(f::queue, keys.queue, &item);
  add_value(f::assigned_to, keys.agent, &item);
  add_value(f::document_id, keys.document, &item);
}

void WorkItemIndex::remove(const Record& item, const Keys& keys) {
  remove_value(f::state, keys.state, &item);
  remove_value(f::queue, keys.queue, &item);
  remove_value(f::assigned_to, keys.agent, &item);
  remove_value(f::document_id, keys.document, &item);
}

void WorkItemIndex::update(const Record& item, const Keys& before, const Keys& after) {
  // Most updates change the state alone (an offer, an accept, a timeout).
  const auto move = [&](std::size_t field, std::string_view from, std::string_view to) {
    if (from == to) return;
    remove_value(field, from, &item);
    add_value(field, to, &item);
  };
  move(f::state, before.state, after.state);
  move(f::queue, before.queue, after.queue);
  move(f::assigned_to, before.agent, after.agent);
  move(f::document_id, before.document, after.document);
}

const WorkItemIndex::DocumentItems* WorkItemIndex::document(std::string_view sys_id) const {
  const auto id = SysId::parse(sys_id);
  const auto* entry = id ? by_document_.find(*id) : nullptr;
  return entry ? &entry->second : nullptr;
}

std::size_t WorkItemIndex::count(std::size_t field, std::string_view value) const {
  if (field == f::document_id) {
    const DocumentItems* items = document(value);
    return items ? items->size() : 0;
  }
  const Items* items = find(field, value);
  return items ? items->size() : 0;
}

std::vector<std::string> WorkItemIndex::agents() const {
  std::vector<std::string> out;
  out.reserve(by_agent_.size());
  for (const auto& [agent, items] : by_agent_) out.push_back(agent);
  return out;
}

}  // namespace awa::domain
