// The states the contract forbids, checked a record or an agent at a time, so that a check of a
// large state can let go of the instance lock between steps (Instance::violations): each check
// reads only what one step can see consistently, through the state's indexes.
#pragma once

#include <string>
#include <vector>

#include "domain/state.hpp"

namespace awa::domain {

// Appends one line per violation by work item `item`: its state, its assignment, and whether its
// document has another active work item (told once, by the document's first in sys_id order).
void check_work_item(const State& state, const Record& item, std::vector<std::string>& found);
// Appends a line when the agent's workload index differs from its offered and accepted items.
void check_workload(const State& state, const SysId& agent, std::vector<std::string>& found);

}  // namespace awa::domain
