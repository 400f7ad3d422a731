#include "bench/scenario.hpp"

#include <cmath>

namespace awa::bench {

const std::vector<Scenario>& all_scenarios() {
  using S = Step;
  static const std::vector<Scenario> scenarios = {
      {"offer",
       "new assignments across many documents and agents (then re-offers)",
       {{1, {S::offer}}}},
      {"offer-accept",
       "offer, accept, transfer back to the queue",
       {{1, {S::offer, S::accept, S::transfer_to_queue}}}},
      {"offer-reject", "offer, reject", {{1, {S::offer, S::reject}}}},
      {"timeout-storm",
       "offers whose countdowns all run out in the same second once per --storm-window, while "
       "offers continue (needs --documents >= offers per second x (window + 2), or re-offers "
       "replace countdowns before they run out)",
       {{1, {S::offer_short_timeout}}}},
      {"transfer",
       "offer, accept, blind transfer to another agent, accept, back to the queue",
       {{1, {S::offer, S::accept, S::transfer_to_agent, S::accept, S::transfer_to_queue}}}},
      {"mixed",
       "a contact-centre day, as shares of rounds: 35% offer-accept-requeue, 20% offer-reject, "
       "10% transfer, 10% 1-second countdowns left to expire, 10% presence changes, "
       "15% presence and capacity reads",
       {{35, {S::offer, S::accept, S::transfer_to_queue}},
        {20, {S::offer, S::reject}},
        {10, {S::offer, S::accept, S::transfer_to_agent, S::accept, S::transfer_to_queue}},
        {10, {S::offer_short_timeout}},
        {10, {S::set_presence}},
        {8, {S::read_agent}},
        {7, {S::read_capacities}}}},
  };
  return scenarios;
}

unsigned storm_timeout_seconds(double elapsed, double window) {
  if (window <= 0) return 1;
  const double boundary = (std::floor(elapsed / window) + 1) * window;
  return static_cast<unsigned>(std::ceil(boundary + 1 - elapsed));
}

bool in_storm_second(double elapsed, double window) {
  if (window <= 0) return false;
  const double since_first = elapsed - (window + 1);  // the first storm: [window + 1, window + 2)
  return since_first >= 0 && std::fmod(since_first, window) < 1.0;
}

const Scenario* find_scenario(std::string_view name) {
  for (const auto& s : all_scenarios()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const std::vector<Step>& Scenario::pick(std::mt19937& random) const {
  unsigned total = 0;
  for (const auto& [weight, cycle] : cycles) total += weight;
  unsigned roll = random() % total;
  for (const auto& [weight, cycle] : cycles) {
    if (roll < weight) return cycle;
    roll -= weight;
  }
  return cycles.back().second;
}

}  // namespace awa::bench
