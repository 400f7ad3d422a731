// The states the contract forbids, found by looking at the whole state: for tests, and for
// checking a state rebuilt after a crash.
#pragma once

#include <string>
#include <vector>

#include "domain/state.hpp"

namespace awa::domain {

// One line per violation; empty when the state is one the contract allows.
std::vector<std::string> find_violations(const State& state);

}  // namespace awa::domain
