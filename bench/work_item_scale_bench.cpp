// How awa-server's state scales: loads N documents with one pending work item each (every one
// with a countdown, so N pending timers) through the domain, reports the resident memory per
// work item (and the peak while loading), then restarts on the same data directory and reports
// how long rebuilding the state and re-arming every timer takes. Reference in the same run: the
// process's RSS before loading.
// Usage: work_item_scale_bench [work_items=1000000] [data_dir=/tmp/awa-scale-bench] [mode]
// mode `keep` leaves the data directory in place; `restart` only restarts on a kept one (for
// profiling the load path on its own); `expire` restarts on a kept one, then lets every countdown
// run out at once and reports what expiring them costs (rounds of 256, as the server does).
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>

#include "bench/process_usage.hpp"
#include "domain/instance.hpp"
#include "domain/presence_states.hpp"
#include "persistence/rocksdb_log.hpp"
#include "server/huge_page_load_arena.hpp"
#include "server/sodium_password_hasher.hpp"

using namespace awa;
using Clock = std::chrono::steady_clock;

namespace {

// This process's resident memory now (or its peak), in MiB.
double rss_mib(bool peak = false) {
  const auto usage = bench::read_process_usage(::getpid());
  if (!usage) return 0;
  return static_cast<double>(peak ? usage->peak_rss_kib : usage->rss_kib) / 1024.0;
}

// Waits until every change up to `ticket` is durable (written on this thread); false if the
// write failed.
bool durable(domain::Instance& instance, domain::CommitQueue::Ticket ticket) {
  std::promise<std::error_code> written;
  instance.when_durable(ticket, [&](std::error_code e) { written.set_value(e); });
  return !written.get_future().get();
}

// Offers made before waiting for them to be durable, as a server's open connections bound how
// many answers wait at once. Unbounded, the offers ran ahead of the writer thread, and the
// backlog's freed change sets left the heap fragmented, so RSS varied between identical runs.
constexpr std::size_t kInFlight = 256;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const std::filesystem::path dir = argc > 2 ? argv[2] : "/tmp/awa-scale-bench";
  const std::string mode = argc > 3 ? argv[3] : "";
  const bool restart_only = mode == "restart" || mode == "expire";
  if (!restart_only) std::filesystem::remove_all(dir);
  server::SodiumPasswordHasher hasher;
  // The real time, until `expire` moves it a day on.
  domain::ManualClock clock(domain::SystemClock().now());
  const domain::Caller admin{domain::SysId{}, domain::Roles::parse("admin")};
  const std::string agent = "0d584509c323120095ccd02422d3ae5b";  // the demo's Available agent
  // Loads into the arena the server loads into.
  server::HugePageLoadArena load_arena;

  double baseline = 0, loaded = 0, load_seconds = 0;
  if (!restart_only) {
    persistence::RocksdbLog log({dir});
    domain::Instance instance(clock, log, hasher, false);
    if (instance.load(&load_arena) || instance.initialize({"admin", true})) return 1;
    baseline = rss_mib();
    const auto start = Clock::now();
    domain::CommitQueue::Ticket last = 0;
    // The longest single request: a container of the state that grows all at once (a hash
    // table's rehash, a vector's move) stalls every request while it does.
    Clock::duration longest{};
    std::size_t over_1ms = 0;
    const auto timed = [&](auto&& request) {
      const auto began = Clock::now();
      auto answer = request();
      const auto took = Clock::now() - began;
      longest = std::max(longest, took);
      over_1ms += took > std::chrono::milliseconds(1);
      return answer;
    };
    for (std::size_t i = 0; i < n; ++i) {
      auto created = timed([&] {
        return instance.create(admin, "interaction", {{"short_description", "scale"}});
      });
      domain::OfferRequest offer;
      offer.document_table = "interaction";
      offer.document_id = created.outcome->id.str();
      offer.queue_id = "92f8942787851210be070d48dabb35fb";
      offer.assignment.emplace().agent_sys_id = agent;
      offer.assignment->timeout = "86400";  // pending all day: a timer each
      last = timed([&] { return instance.offer(admin, offer); }).ticket;
      if (i % kInFlight == kInFlight - 1 && !durable(instance, last)) return 1;
      if (i % 100000 == 99999) std::fprintf(stderr, "\r%zu work items", i + 1);
    }
    if (!durable(instance, last)) return 1;
    load_seconds = seconds_since(start);
    loaded = rss_mib();
    std::fprintf(stderr, "\n");
    std::printf("work_item_scale_bench: %zu documents, each with a pending work item and timer\n",
                n);
    std::printf("  created in %.1f s (%.0f per second, through the domain, durability process)\n",
                load_seconds, n / load_seconds);
    std::printf(
        "  RSS before %.1f MiB, after %.1f MiB: %.0f bytes per work item (document, work "
        "item, indexes, timer)\n",
        baseline, loaded, (loaded - baseline) * 1024 * 1024 / n);
    std::printf("  pending timers: %zu; peak RSS while loading %.1f MiB\n",
                instance.pending_timeouts(), rss_mib(/*peak=*/true));
    std::printf("  longest single create or offer %.2f ms; %zu of %zu took over 1 ms\n",
                std::chrono::duration<double, std::milli>(longest).count(), over_1ms, 2 * n);
    instance.stop();
  }
  // Restart: what serving again costs.
  const auto start = Clock::now();
  persistence::RocksdbLog log({dir});
  domain::Instance instance(clock, log, hasher, false);
  if (instance.load(&load_arena)) return 1;
  const double restart = seconds_since(start);
  const auto heap = mallinfo2();
  std::printf("  restart: state rebuilt and %zu timers re-armed in %.2f s; RSS %.1f MiB",
              instance.pending_timeouts(), restart, rss_mib());
  if (heap.uordblks > 0) {  // glibc's malloc (jemalloc, as linked in release builds, says 0)
    std::printf(", of which heap in use %.1f MiB, mapped blocks %.1f MiB",
                heap.uordblks / 1048576.0, heap.hblkhd / 1048576.0);
  }
  std::printf("%s\n", restart_only ? "" : " (the first instance's freed memory included)");
  if (mode == "expire") {
    clock.advance(std::chrono::hours(25));
    const auto expiry_start = Clock::now();
    std::size_t expired = 0;
    domain::CommitQueue::Ticket last = 0;
    for (;;) {
      const auto round = instance.expire_due(256);
      last = round.ticket;
      if (!round.outcome.ok() || round.outcome->fired == 0) break;
      expired += round.outcome->expired;
    }
    const double applied = seconds_since(expiry_start);
    if (!durable(instance, last)) return 1;
    const double total = seconds_since(expiry_start);
    std::printf("  expiry: %zu offers expired in %.2f s (%.1f us each; in memory %.2f s)\n",
                expired, total, total * 1e6 / static_cast<double>(expired), applied);
  }
  instance.stop();
  log.close();
  if (mode.empty()) std::filesystem::remove_all(dir);
  return 0;
}
