// A reader beside the load: one client paging through a table with the Table API over and over,
// as a report or an export would, while the bench's connections make changes. Its pages and
// their latency are reported apart from the load's.
#pragma once

#include <atomic>
#include <string>

#include "bench/latency_histogram.hpp"

namespace awa::bench {

struct PagerOptions {
  std::string host, port, authorization;
  std::string table = "awa_work_item";
  unsigned page = 1000;  // sysparm_limit; only sys_id is asked for (sysparm_fields)
};

struct PagerResult {
  LatencyHistogram latency;  // per page, microseconds
  std::uint64_t pages = 0;
  std::uint64_t records = 0;
  std::uint64_t passes = 0;  // times the whole table was read
  std::string error;         // why it stopped early, if it did
};

// Pages until `running` is false: offset 0, page, 2 page, ... and again from 0 after the last.
PagerResult page_through(const PagerOptions& options, const std::atomic<bool>& running);

}  // namespace awa::bench
