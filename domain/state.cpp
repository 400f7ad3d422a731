#include "domain/state.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace awa::domain {
// What a work item's place in the indexes depends on, read in one walk of its values.
struct State::WorkItemKeys {
  explicit WorkItemKeys(const Record& item) {
    namespace f = work_item_field;
    const auto values = item.values.at_many(
        {f::document_id, f::queue, f::assigned_to, f::state, f::active, f::consult_state});
    document = values[0];
    queue = values[1];
    agent = values[2];
    work_state = values[3];
    is_active = values[4] == "true";
    open_consult = values[5] == "open";
  }
  WorkItemIndex::Keys indexed() const { return {work_state, queue, agent, document}; }
  // The agent whose workload the work item counts in, if any.
  std::optional<SysId> working_agent() const {
    if (!is_active || (work_state != "pending_accept" && work_state != "accepted")) {
      return std::nullopt;
    }
    return SysId::parse(agent);
  }

  bool is_active;
  bool open_consult;
  std::string_view work_state;
  std::string_view agent;
  std::string_view document;
  std::string_view queue;
};

namespace {

std::string_view number_prefix(Table table) {
  return table == Table::task ? "TASK" : "IMS";
}

}  // namespace

const Record* State::find(Table table, const SysId& id) const {
  return tables_[index(table)].find(id);
}

const Record* State::find(Table table, std::string_view sys_id) const {
  const auto id = SysId::parse(sys_id);
  return id ? find(table, *id) : nullptr;
}

std::size_t State::size() const {
  std::size_t n = 0;
  for (const auto& rows : tables_) n += rows.size();
  return n;
}

const Record& State::put(Record record) {
  return store(std::move(record), nullptr);
}

std::optional<Record> State::exchange(Record record) {
  std::optional<Record> replaced;
  store(std::move(record), &replaced);
  return replaced;
}

Record State::blank(Table table, SysId id) const {
  memory::PackedValues& values = blanks_[index(table)];
  if (values.size() == 0) values = blank_record(table, id, dictionary_).values;
  return Record{table, id, values};
}

Record& State::store(Record record, std::optional<Record>* replaced) {
  record.values.recode(dictionary_);
  auto& rows = tables_[index(record.table)];
  Record* stored = rows.find(record.id);
  if (stored != nullptr && record.table == Table::awa_work_item) {
    reindex_work_item(*stored, record);
    if (replaced) replaced->emplace(std::move(*stored));
    *stored = std::move(record);
    return *stored;
  }
  if (stored != nullptr) {
    unindex(*stored);
    if (replaced) replaced->emplace(std::move(*stored));
    *stored = std::move(record);
  } else {
    stored = &rows.insert(std::move(record));
  }
  reindex(*stored);
  return *stored;
}

void State::erase(Table table, const SysId& id) {
  auto& rows = tables_[index(table)];
  const Record* existing = rows.find(id);
  if (existing == nullptr) return;
  unindex(*existing);
  if (table == Table::sys_user) credential_versions_[id] = tick_credentials();
  rows.erase(id);
}

void State::apply(const RecordChange& change, bool forward) {
  const auto& image = forward ? change.after : change.before;
  if (image) {
    put(*image);
  } else {
    erase(change.table, change.id);
  }
}

const Record* State::find_unique(Table table, std::size_t field, std::string_view value) const {
  const auto by_field = unique_.find({table, field});
  if (by_field == unique_.end()) return nullptr;
  const auto it = by_field->second.find(value);
  return it == by_field->second.end() ? nullptr : find(table, it->second);
}

const Record* State::active_work_item(const SysId& document) const {
  return work_items_.find_in_document(document, [](const Record& item) {
    const auto [active, consult] =
        item.values.at_many({work_item_field::active, work_item_field::consult_state});
    return active == "true" && consult != "open";
  });
}

const Record* State::open_consult(const SysId& document) const {
  return work_items_.find_in_document(document, [](const Record& item) {
    const auto [active, consult] =
        item.values.at_many({work_item_field::active, work_item_field::consult_state});
    return active == "true" && consult == "open";
  });
}

std::uint64_t State::credential_version(const SysId& user) const {
  const auto* entry = credential_versions_.find(user);
  return entry ? entry->second : 0;
}

std::uint32_t State::workload(const SysId& agent) const {
  const auto* entry = workload_.find(agent);
  return entry ? entry->second : 0;
}

std::vector<SysId> State::working_agents() const {
  std::vector<SysId> agents;
  agents.reserve(workload_.size());
  for (const auto& [agent, count] : workload_) agents.push_back(agent);
  return agents;
}

std::string State::next_document_number(Table table) const {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s%07llu", number_prefix(table).data(),
                static_cast<unsigned long long>(
                    std::max<std::uint64_t>(highest_number_[index(table)], 1000)) +
                    1);
  return buffer;
}

void State::unindex(const Record& record) {
  const auto& fields = spec_of(record.table).fields;
  for (std::size_t f = 0; f < fields.size(); ++f) {
    if (!fields[f].unique || record[f].empty()) continue;
    auto& values = unique_[{record.table, f}];
    const auto it = values.find(record[f]);
    if (it != values.end() && it->second == record.id) values.erase(it);
  }
  if (record.table == Table::awa_work_item) {
    const WorkItemKeys keys(record);
    if (const auto agent = keys.working_agent()) add_workload(*agent, -1);
    work_items_.remove(record, keys.indexed());
  }
}

void State::add_workload(const SysId& agent, int delta) {
  auto& count = workload_[agent];
  count += delta;
  if (count == 0) workload_.erase(agent);
}

void State::reindex_work_item(const Record& stored, const Record& after) {
  const WorkItemKeys before_keys(stored);
  const WorkItemKeys after_keys(after);
  work_items_.update(stored, before_keys.indexed(), after_keys.indexed());
  const auto before_agent = before_keys.working_agent();
  const auto after_agent = after_keys.working_agent();
  if (before_agent != after_agent) {
    if (before_agent) add_workload(*before_agent, -1);
    if (after_agent) add_workload(*after_agent, +1);
  }
}

void State::reindex(const Record& record) {
  const auto& fields = spec_of(record.table).fields;
  for (std::size_t f = 0; f < fields.size(); ++f) {
    if (fields[f].unique && !record[f].empty()) {
      unique_[{record.table, f}].insert_or_assign(std::string(record[f]), record.id);
    }
  }
  // Work items point at these few records (assigned_to, queue, after_timeout_presence): their
  // sys_ids become shared values, held once rather than in every work item.
  share_id(record);
  switch (record.table) {
    case Table::sys_user:
      credential_versions_[record.id] = tick_credentials();
      break;
    case Table::awa_work_item: {
      const WorkItemKeys keys(record);
      if (const auto agent = keys.working_agent()) add_workload(*agent, +1);
      work_items_.add(record, keys.indexed());
      break;
    }
    case Table::interaction:
    case Table::task: {
      // Track the highest number of our own form so new documents never reuse one.
      const std::string_view number = record[document_field::number];
      const auto prefix = number_prefix(record.table);
      if (number.substr(0, prefix.size()) == prefix) {
        std::uint64_t value = 0;
        const auto digits = number.substr(prefix.size());
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec == std::errc{} && end == digits.data() + digits.size()) {
          auto& highest = highest_number_[index(record.table)];
          highest = std::max(highest, value);
        }
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace awa::domain
