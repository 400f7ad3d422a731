#include "domain/invariants.hpp"

#include <unordered_map>

#include "domain/assignment.hpp"

namespace awa::domain {

std::vector<std::string> find_violations(const State& state) {
  std::vector<std::string> found;
  std::unordered_map<std::string, int> active_per_document;
  std::unordered_map<std::string, std::uint32_t> workload;
  for (const Record& item : state.rows(Table::awa_work_item)) {
    const SysId& id = item.id;
    using namespace work_item_field;
    const std::string current(item[work_item_field::state]);
    const std::string name = "work item " + id.str();
    const bool is_active = item.is_true(active);
    const bool consult = item[consult_state] == "open";
    if (is_active &&
        ++active_per_document[(consult ? "consult:" : "") + std::string(item[document_id])] > 1) {
      found.push_back("document " + std::string(item[document_id]) + " has more than one active " +
                      (consult ? "consult" : "work item"));
    }
    if (consult && !is_active) found.push_back(name + " is an open consult but inactive");
    if (current == work_item_state::pending_accept || current == work_item_state::accepted) {
      if (item[assigned_to].empty()) found.push_back(name + " is " + current + " but unassigned");
      if (is_active) ++workload[std::string(item[assigned_to])];
    } else if (current == work_item_state::queued) {
      if (!item[assigned_to].empty()) found.push_back(name + " is queued but assigned");
    } else if (current != work_item_state::cancelled) {
      found.push_back(name + " has unknown state " + current);
    }
    if (current == work_item_state::cancelled && is_active) {
      found.push_back(name + " is cancelled but active");
    }
  }
  for (const auto& [agent, count] : workload) {
    const auto id = SysId::parse(agent);
    if (id && state.workload(*id) != count) {
      found.push_back("agent " + agent + " workload index " + std::to_string(state.workload(*id)) +
                      " != " + std::to_string(count));
    }
  }
  for (const Record& user : state.rows(Table::sys_user)) {
    const SysId& id = user.id;
    if (state.workload(id) != 0 && workload.count(id.str()) == 0) {
      found.push_back("agent " + id.str() + " has a workload but no work items");
    }
  }
  return found;
}

}  // namespace awa::domain
