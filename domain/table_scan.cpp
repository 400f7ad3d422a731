#include "domain/table_scan.hpp"

#include <algorithm>
#include <limits>

#include "domain/field_value.hpp"
#include "domain/table_service.hpp"

namespace awa::domain {
namespace {

Outcome<std::size_t> count_parameter(const std::optional<std::string>& text, std::string_view name,
                                     std::size_t default_value,
                                     std::size_t most = std::numeric_limits<std::size_t>::max()) {
  if (!text || text->empty()) return default_value;
  const auto value = parse_integer(*text);
  if (!value || *value < 0) {
    return fail(errc::bad_request, "Invalid value for " + std::string(name) + ": " + *text);
  }
  if (static_cast<std::size_t>(*value) > most) {
    return fail(errc::bad_request, "Invalid value for " + std::string(name) + ": " + *text +
                                       " (at most " + std::to_string(most) + ")");
  }
  return static_cast<std::size_t>(*value);
}

using Term = TableScan::Term;

Outcome<std::vector<Term>> parse_query(Table table, std::string_view query) {
  std::vector<Term> terms;
  while (!query.empty()) {
    const auto caret = query.find('^');
    const std::string_view term = query.substr(0, caret);
    query = caret == std::string_view::npos ? std::string_view{} : query.substr(caret + 1);
    if (term.empty()) continue;
    const auto equals = term.find('=');
    const std::string_view name = term.substr(0, equals);
    const bool plain_name = !name.empty() && name.find_first_of("!<>^ ") == std::string_view::npos;
    if (equals == std::string_view::npos || !plain_name) {
      return fail(errc::bad_request, "Unsupported sysparm_query term " + std::string(term) +
                                         ": only field=value terms are supported");
    }
    const std::string value(term.substr(equals + 1));
    if (name == "sys_id") {
      terms.push_back({TableScan::kSysId, value});
      continue;
    }
    const auto field = field_index(table, name);
    if (!field || write_only(spec_of(table).fields[*field])) {
      return fail(errc::bad_request, "Invalid field " + std::string(name) + " in sysparm_query");
    }
    terms.push_back({*field, value});
  }
  return terms;
}

}  // namespace

Outcome<TableScan> TableScan::plan(const Caller& caller, const ListRequest& request) {
  auto table = resolve_table(request.table);
  if (!table) return table.failure();
  if (auto denied = check_table_read(caller, table.value())) return *denied;
  auto limit = count_parameter(request.limit, "sysparm_limit", kDefaultListLimit, kMaxListLimit);
  if (!limit) return limit.failure();
  auto offset = count_parameter(request.offset, "sysparm_offset", 0);
  if (!offset) return offset.failure();
  auto terms = parse_query(table.value(), request.query.value_or(""));
  if (!terms) return terms.failure();
  return TableScan(table.value(), std::move(terms.value()), offset.value(), limit.value());
}

bool TableScan::matches(const Record& record) const {
  return std::all_of(terms_.begin(), terms_.end(), [&](const Term& t) {
    return t.field == kSysId ? record.id.str() == t.value : record[t.field] == t.value;
  });
}

bool TableScan::take_page(std::vector<const Record*>& matching) {
  if (skip_ >= matching.size()) {
    skip_ -= matching.size();
    return false;
  }
  const std::size_t begin = skip_;
  const std::size_t end = std::min(matching.size(), begin + wanted_);
  skip_ = 0;
  const auto by_id = [](const Record* a, const Record* b) { return a->id < b->id; };
  std::partial_sort(matching.begin(), matching.begin() + static_cast<std::ptrdiff_t>(end),
                    matching.end(), by_id);
  for (std::size_t i = begin; i < end; ++i) found_.push_back(*matching[i]);
  wanted_ -= end - begin;
  return wanted_ == 0;
}

bool TableScan::answer_from_index(const State& state) {
  if (table_ != Table::awa_work_item) return false;
  const WorkItemIndex& index = state.work_items();
  const Term* best = nullptr;
  std::size_t fewest = std::numeric_limits<std::size_t>::max();
  for (const Term& term : terms_) {
    if (term.field == kSysId || !WorkItemIndex::indexed(term.field) || term.value.empty()) {
      continue;
    }
    // Document ids are indexed as sys_ids: any other value is found by the scan.
    if (term.field == work_item_field::document_id && !SysId::parse(term.value)) continue;
    const std::size_t count = index.count(term.field, term.value);
    if (count < fewest) {
      fewest = count;
      best = &term;
    }
  }
  if (best == nullptr || fewest > kStepWork) return false;
  std::vector<const Record*> matching;
  matching.reserve(fewest);
  index.for_each(best->field, best->value, [&](const Record& item) {
    if (matches(item)) matching.push_back(&item);
  });
  take_page(matching);
  return true;
}

bool TableScan::step(const State& state) {
  if (wanted_ == 0) return true;
  if (steps_++ == 0) {
    // sys_id=X: one lookup.
    for (const Term& term : terms_) {
      if (term.field != kSysId) continue;
      const Record* record = state.find(table_, term.value);
      std::vector<const Record*> matching;
      if (record != nullptr && matches(*record)) matching.push_back(record);
      take_page(matching);
      return true;
    }
    if (answer_from_index(state)) return true;
  }
  const RecordOrder& order = state.rows(table_).order();
  std::vector<const Record*> matching;
  for (std::size_t work = 0; work < kStepWork && next_range_ < RecordOrder::kRanges;) {
    const auto& range = order.range(next_range_++);
    ++work;
    if (range.empty()) continue;
    // No query: whole ranges before the page are passed over by their size.
    if (terms_.empty() && skip_ >= range.size()) {
      skip_ -= range.size();
      continue;
    }
    matching.clear();
    for (const Record* record : range) {
      if (matches(*record)) matching.push_back(record);
    }
    work += range.size();
    const std::size_t taken_before = found_.size();
    const bool full = take_page(matching);
    work += found_.size() - taken_before;
    if (full) return true;
  }
  return next_range_ == RecordOrder::kRanges;
}

}  // namespace awa::domain
