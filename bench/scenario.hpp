// The bench's scenarios: for each document, the cycle of requests a contact centre makes on it.
#pragma once

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace awa::bench {

enum class Step {
  offer,                // Offer Work, new assignment (a re-offer when still pending)
  offer_short_timeout,  // Offer Work with a countdown that ends in the next storm, left to expire
  accept,               // Inbox accept by the agent offered
  reject,               // Inbox reject
  transfer_to_agent,    // blind transfer to the next agent
  transfer_to_queue,    // blind transfer back to the queue (frees the document)
  set_presence,         // Agent API: presence Available
  read_agent,           // Agent API: presence
  read_capacities,      // Agent API: capacities
};

struct Scenario {
  std::string name;
  std::string description;
  // Cycles to pick from for the next round on a document, with weights.
  std::vector<std::pair<unsigned, std::vector<Step>>> cycles;

  const std::vector<Step>& pick(std::mt19937& random) const;
};

// The countdown (whole seconds, as the API takes it) for an offer sent `elapsed` seconds into the
// run, chosen so that every offer sent during one `window` ([k*window, (k+1)*window)) runs out in
// the same second, [(k+1)*window + 1, (k+1)*window + 2): a storm of timeouts every window, while
// offers continue. Window 0: one second, no storm.
unsigned storm_timeout_seconds(double elapsed, double window);

// Whether `elapsed` seconds into the run falls in one of those seconds when countdowns run out:
// the requests sent then are the ones a storm can slow. Window 0: never.
bool in_storm_second(double elapsed, double window);

// The scenario called `name`, or nullptr.
const Scenario* find_scenario(std::string_view name);
const std::vector<Scenario>& all_scenarios();

}  // namespace awa::bench
