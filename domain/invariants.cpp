#include "domain/invariants.hpp"

#include "domain/assignment.hpp"

namespace awa::domain {

void check_work_item(const State& state, const Record& item, std::vector<std::string>& found) {
  using namespace work_item_field;
  const SysId& id = item.id;
  const std::string current(item[work_item_field::state]);
  const std::string name = "work item " + id.str();
  const bool is_active = item.is_true(active);
  const bool consult = item[consult_state] == "open";
  if (is_active) {
    // Active items of the same document and kind; the first of them in sys_id order tells.
    std::size_t alike = 0;
    bool first = true;
    state.work_items().for_each(document_id, item[document_id], [&](const Record& other) {
      if (!other.is_true(active) || (other[consult_state] == "open") != consult) return;
      ++alike;
      if (other.id < id) first = false;
    });
    if (alike > 1 && first) {
      found.push_back("document " + std::string(item[document_id]) + " has more than one active " +
                      (consult ? "consult" : "work item"));
    }
  }
  if (consult && !is_active) found.push_back(name + " is an open consult but inactive");
  if (current == work_item_state::pending_accept || current == work_item_state::accepted) {
    if (item[assigned_to].empty()) found.push_back(name + " is " + current + " but unassigned");
  } else if (current == work_item_state::queued) {
    if (!item[assigned_to].empty()) found.push_back(name + " is queued but assigned");
  } else if (current != work_item_state::cancelled) {
    found.push_back(name + " has unknown state " + current);
  }
  if (current == work_item_state::cancelled && is_active) {
    found.push_back(name + " is cancelled but active");
  }
}

void check_workload(const State& state, const SysId& agent, std::vector<std::string>& found) {
  using namespace work_item_field;
  std::uint32_t working = 0;
  state.work_items().for_each(assigned_to, agent.str(), [&](const Record& item) {
    const auto current = item[work_item_field::state];
    if (item.is_true(active) &&
        (current == work_item_state::pending_accept || current == work_item_state::accepted)) {
      ++working;
    }
  });
  const std::uint32_t indexed = state.workload(agent);
  if (indexed == working) return;
  if (working == 0) {
    found.push_back("agent " + agent.str() + " has a workload but no work items");
  } else {
    found.push_back("agent " + agent.str() + " workload index " + std::to_string(indexed) +
                    " != " + std::to_string(working));
  }
}

}  // namespace awa::domain
