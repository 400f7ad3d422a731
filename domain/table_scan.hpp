// A Table API list, run in steps. Each step holds the instance lock for a bounded amount of work
// (kStepWork records looked at or copied), so listing a large table never holds up the writes
// queued behind it for long. The answer is in sys_id order, so that paging is stable; each step
// sees the state as it is then (a record changed between steps shows as it was when its range
// was read), as a database's read-committed scan would.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/caller.hpp"
#include "domain/errc.hpp"
#include "domain/state.hpp"

namespace awa::domain {

struct ListRequest {
  std::string table;
  std::optional<std::string> query = {};   // sysparm_query: field=value terms joined by ^
  std::optional<std::string> limit = {};   // sysparm_limit
  std::optional<std::string> offset = {};  // sysparm_offset
};

inline constexpr std::size_t kDefaultListLimit = 10000;
inline constexpr std::size_t kMaxListLimit = 10000;  // a larger sysparm_limit is refused

class TableScan {
public:
  // Records looked at or copied in one step: a few hundred microseconds of work.
  static constexpr std::size_t kStepWork = 512;

  // Checks the request (table, role, parameters, query), before any state is read.
  static Outcome<TableScan> plan(const Caller& caller, const ListRequest& request);

  // One step, with the instance lock held: true once the answer is complete.
  bool step(const State& state);
  std::vector<Record> take() { return std::move(found_); }
  // Steps taken so far.
  std::size_t steps() const { return steps_; }

  // A term of sysparm_query: the field (kSysId for sys_id) and the value it must equal.
  struct Term {
    std::size_t field;
    std::string value;
  };
  static constexpr std::size_t kSysId = static_cast<std::size_t>(-1);

private:
  TableScan(Table table, std::vector<Term> terms, std::size_t offset, std::size_t limit)
      : table_(table), terms_(std::move(terms)), skip_(offset), wanted_(limit) {}
  bool matches(const Record& record) const;
  // The answer from the smallest index that fits one step; false when none does.
  bool answer_from_index(const State& state);
  // Takes the page's part of `matching` (any order); true once the page is full.
  bool take_page(std::vector<const Record*>& matching);

  Table table_;
  std::vector<Term> terms_;
  std::size_t skip_;    // matches still to pass over (sysparm_offset)
  std::size_t wanted_;  // matches still to take (sysparm_limit)
  std::size_t next_range_ = 0;
  std::size_t steps_ = 0;
  std::vector<Record> found_;
};

}  // namespace awa::domain
