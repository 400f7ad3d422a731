// The commit pipeline: answers wait for durability, concurrent changes share a write, and a
// failed write is undone in memory and reported to everyone who saw it.
#include "domain/commit_queue.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <future>
#include <thread>

#include "tests/support/memory_log.hpp"

using namespace awa;
using namespace awa::domain;

namespace {

// The commit queue's side of a log only: nothing to load, and no event is read back.
class WriteOnlyLog : public DurableLog {
public:
  std::error_code load(const memory::ValueDictionary&,
                       const std::function<void(Record&&)>&) override {
    return {};
  }
  std::uint64_t last_event() const override { return 0; }
  std::uint64_t first_event() const override { return 0; }
  std::error_code read_events(std::uint64_t, const std::function<bool(Event&&)>&) const override {
    return {};
  }
  std::error_code trim_events(TimePoint, std::uint64_t) override { return {}; }
};

// A log whose writes wait until the test opens a gate, so the test controls what is pending.
class GatedLog final : public WriteOnlyLog {
public:
  std::error_code write(std::span<const ChangeSet* const> sets, EventNumbers, bool sync) override {
    std::unique_lock lock(mutex_);
    entered_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    batch_sizes.push_back(sets.size());
    synced = synced || sync;
    return fail ? std::make_error_code(std::errc::io_error) : std::error_code{};
  }
  std::error_code checkpoint(const std::filesystem::path&) override {
    return std::make_error_code(std::errc::not_supported);
  }
  void wait_until_writing() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return entered_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

  std::vector<std::size_t> batch_sizes;
  bool synced = false;
  bool fail = false;

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool entered_ = false;
  bool open_ = false;
};

// Records which thread made each write, and how many change sets it carried.
class ThreadRecordingLog final : public WriteOnlyLog {
public:
  std::error_code write(std::span<const ChangeSet* const> sets, EventNumbers, bool) override {
    std::lock_guard lock(mutex_);
    writes.push_back({std::this_thread::get_id(), sets.size()});
    return {};
  }
  std::error_code checkpoint(const std::filesystem::path&) override { return {}; }
  struct Write {
    std::thread::id thread;
    std::size_t sets;
  };
  std::vector<Write> writes;

private:
  std::mutex mutex_;
};

ChangeSet create(int n) {
  Record r = blank_record(Table::awa_queue, SysIdGenerator{}.next());
  r.values[queue_field::name] = "queue " + std::to_string(n);
  return {RecordChange{Table::awa_queue, r.id, std::nullopt, r}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(commit_queue)

BOOST_AUTO_TEST_CASE(changes_queued_during_a_write_share_the_next_write) {
  GatedLog log;
  domain::StateLock state_mutex;
  std::vector<int> undone;
  CommitQueue queue(log, true, state_mutex, [](std::span<const ChangeSet>) {});

  std::promise<std::error_code> first_done;
  {
    std::lock_guard lock(state_mutex);
    queue.when_durable(queue.enqueue(create(0)),
                       [&](std::error_code e) { first_done.set_value(e); });
  }
  log.wait_until_writing();  // the first write is under way; the next ten wait together
  std::vector<std::promise<std::error_code>> done(10);
  for (int i = 0; i < 10; ++i) {
    CommitQueue::Ticket ticket;
    {
      std::lock_guard lock(state_mutex);
      ticket = queue.enqueue(create(i + 1));
    }
    queue.when_durable(ticket, [&, i](std::error_code e) { done[i].set_value(e); });
  }
  log.open();
  BOOST_TEST(!first_done.get_future().get());
  for (auto& d : done) BOOST_TEST(!d.get_future().get());
  queue.stop();
  BOOST_REQUIRE(log.batch_sizes.size() == 2u);
  BOOST_TEST(log.batch_sizes[0] == 1u);
  BOOST_TEST(log.batch_sizes[1] == 10u);  // one write (one fsync) for ten requests
  BOOST_TEST(log.synced);
}

BOOST_AUTO_TEST_CASE(an_answer_waits_until_its_changes_are_durable) {
  GatedLog log;
  domain::StateLock state_mutex;
  CommitQueue queue(log, true, state_mutex, [](std::span<const ChangeSet>) {});
  std::atomic<bool> answered{false};
  CommitQueue::Ticket ticket;
  {
    std::lock_guard lock(state_mutex);
    ticket = queue.enqueue(create(1));
  }
  queue.when_durable(ticket, [&](std::error_code) { answered = true; });
  log.wait_until_writing();
  BOOST_TEST(!answered.load());
  log.open();
  queue.stop();
  BOOST_TEST(answered.load());
  // Nothing pending: a read is answered at once.
  std::error_code read_error = std::make_error_code(std::errc::io_error);
  queue.when_durable(ticket, [&](std::error_code e) { read_error = e; });
  BOOST_TEST(!read_error);
}

BOOST_AUTO_TEST_CASE(a_failed_write_is_undone_with_everything_after_it) {
  GatedLog log;
  log.fail = true;
  domain::StateLock state_mutex;
  std::vector<std::string> undone;
  CommitQueue queue(log, true, state_mutex, [&](std::span<const ChangeSet> newest_first) {
    for (const auto& set : newest_first)
      undone.emplace_back(set.front().after->values[queue_field::name]);
  });
  std::vector<std::promise<std::error_code>> done(3);
  for (int i = 0; i < 3; ++i) {
    CommitQueue::Ticket ticket;
    {
      std::lock_guard lock(state_mutex);
      ticket = queue.enqueue(create(i));
    }
    queue.when_durable(ticket, [&, i](std::error_code e) { done[i].set_value(e); });
    if (i == 0) log.wait_until_writing();  // 1 and 2 queue behind the failing write
  }
  log.open();
  for (auto& d : done) BOOST_TEST((d.get_future().get() == std::errc::io_error));
  queue.stop();
  BOOST_TEST(undone == (std::vector<std::string>{"queue 2", "queue 1", "queue 0"}));

  // A later reader of a failed ticket hears of the failure too.
  std::error_code late;
  queue.when_durable(2, [&](std::error_code e) { late = e; });
  BOOST_TEST((late == std::errc::io_error));
  // Reads after the undo see the last durable state, and are answered.
  std::error_code now_read = std::make_error_code(std::errc::io_error);
  {
    std::lock_guard lock(state_mutex);
    BOOST_TEST(queue.newest() == 0u);
  }
  queue.when_durable(0, [&](std::error_code e) { now_read = e; });
  BOOST_TEST(!now_read);
}

BOOST_AUTO_TEST_CASE(a_failed_write_that_reached_the_disk_is_written_back_before_the_next) {
  testing::MemoryLog log;
  domain::StateLock state_mutex;
  CommitQueue queue(log, true, state_mutex, [](std::span<const ChangeSet>) {});
  const auto write = [&](ChangeSet changes) {
    std::promise<std::error_code> done;
    CommitQueue::Ticket ticket;
    {
      std::lock_guard lock(state_mutex);
      ticket = queue.enqueue(std::move(changes));
    }
    queue.when_durable(ticket, [&](std::error_code e) { done.set_value(e); });
    return done.get_future().get();
  };
  const ChangeSet created = create(1);
  const Record v1 = *created.front().after;
  Record v2 = v1;
  v2[queue_field::name] = "renamed";
  BOOST_REQUIRE(!write(created));
  BOOST_TEST(!queue.storage_error());

  log.fail_writes = true;
  log.failed_writes_reach_disk = true;
  BOOST_TEST(write({{Table::awa_queue, v1.id, v1, v2}}));              // answered as failed...
  BOOST_TEST(log.find(Table::awa_queue, v1.id)->values == v2.values);  // ...yet on disk
  BOOST_TEST(queue.storage_error());

  log.fail_writes = false;
  BOOST_REQUIRE(!write(create(2)));
  BOOST_TEST(log.find(Table::awa_queue, v1.id)->values == v1.values);  // written back
  BOOST_TEST(log.size() == 2u);
  BOOST_TEST(!queue.storage_error());
}

BOOST_AUTO_TEST_CASE(an_action_sees_exactly_the_changes_queued_before_it) {
  testing::MemoryLog log;
  domain::StateLock state_mutex;
  CommitQueue queue(log, false, state_mutex, [](std::span<const ChangeSet>) {});
  std::size_t seen = 0;
  CommitQueue::Ticket action_ticket;
  {
    std::lock_guard lock(state_mutex);  // all three queued before the writer takes any
    queue.enqueue(create(1));
    queue.enqueue(create(2));
    action_ticket = queue.enqueue_action([&] {
      seen = log.size();
      return std::error_code{};
    });
    queue.enqueue(create(3));
  }
  std::promise<std::error_code> done;
  queue.when_durable(action_ticket, [&](std::error_code e) { done.set_value(e); });
  BOOST_TEST(!done.get_future().get());
  queue.stop();
  BOOST_TEST(seen == 2u);
  BOOST_TEST(log.size() == 3u);

  // A failing action fails its own ticket only.
  testing::MemoryLog other;
  CommitQueue second(other, false, state_mutex, [](std::span<const ChangeSet>) {});
  CommitQueue::Ticket failing, after;
  {
    std::lock_guard lock(state_mutex);
    failing = second.enqueue_action([] { return std::make_error_code(std::errc::file_exists); });
    after = second.enqueue(create(4));
  }
  std::promise<std::error_code> failed, written;
  second.when_durable(failing, [&](std::error_code e) { failed.set_value(e); });
  second.when_durable(after, [&](std::error_code e) { written.set_value(e); });
  BOOST_TEST((failed.get_future().get() == std::errc::file_exists));
  BOOST_TEST(!written.get_future().get());
}

BOOST_AUTO_TEST_CASE(changes_nobody_waits_for_are_written_by_the_writer) {
  testing::MemoryLog log;
  domain::StateLock state_mutex;
  CommitQueue queue(log, false, state_mutex, [](std::span<const ChangeSet>) {});
  {
    std::lock_guard lock(state_mutex);
    queue.enqueue(create(1));  // e.g. a timer expiry: no answer waits for it
  }
  BOOST_TEST(log.wait_for_writes(1));
  BOOST_TEST(log.size() == 1u);
}

// Unsynced, a writer with nothing queued for a while stops sweeping (an idle server wakes no
// thread); whatever is queued next still gets written.
BOOST_AUTO_TEST_CASE(a_resting_writer_is_woken_by_what_is_queued_next) {
  testing::MemoryLog log;
  domain::StateLock state_mutex;
  CommitQueue queue(
      log, false, state_mutex, [](std::span<const ChangeSet>) {}, std::chrono::milliseconds(1),
      /*rest_after=*/std::chrono::milliseconds(2));
  const auto wait_for_rests = [&](std::uint64_t n) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (queue.stats().writer_rests < n && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::yield();
    }
    return queue.stats().writer_rests >= n;
  };
  BOOST_REQUIRE(wait_for_rests(1));
  {
    std::lock_guard lock(state_mutex);
    queue.enqueue(create(1));  // nobody waits for it: only the writer writes it
  }
  BOOST_TEST(log.wait_for_writes(1));
  // Resting again, it also wakes for a caller that leaves the write to it.
  BOOST_REQUIRE(wait_for_rests(2));
  CommitQueue::Ticket ticket;
  {
    std::lock_guard lock(state_mutex);
    ticket = queue.enqueue(create(2));
  }
  std::promise<std::error_code> done;
  queue.when_durable(
      ticket, [&](std::error_code e) { done.set_value(e); }, CommitQueue::Lead::writer_thread);
  BOOST_TEST(!done.get_future().get());
  BOOST_TEST(log.size() == 2u);
}

BOOST_AUTO_TEST_CASE(unsynced_the_caller_that_waits_writes_on_its_own_thread) {
  ThreadRecordingLog log;
  domain::StateLock state_mutex;
  // No sweep during the test: every write is the caller's.
  CommitQueue queue(
      log, false, state_mutex, [](std::span<const ChangeSet>) {}, std::chrono::hours(1));
  CommitQueue::Ticket ticket;
  {
    std::lock_guard lock(state_mutex);
    ticket = queue.enqueue(create(1));
  }
  bool answered = false;
  queue.when_durable(ticket, [&](std::error_code e) { answered = !e; });
  BOOST_TEST(answered);  // already, on this thread: no hand-off to the writer
  BOOST_REQUIRE(log.writes.size() == 1u);
  BOOST_TEST((log.writes[0].thread == std::this_thread::get_id()));
}

BOOST_AUTO_TEST_CASE(answers_led_on_flush_share_one_write) {
  ThreadRecordingLog log;
  domain::StateLock state_mutex;
  CommitQueue queue(
      log, false, state_mutex, [](std::span<const ChangeSet>) {}, std::chrono::hours(1));
  int answered = 0;
  for (int i = 0; i < 3; ++i) {  // three requests of one I/O round
    CommitQueue::Ticket ticket;
    {
      std::lock_guard lock(state_mutex);
      ticket = queue.enqueue(create(i));
    }
    queue.when_durable(
        ticket, [&](std::error_code e) { answered += !e; }, CommitQueue::Lead::on_flush);
  }
  BOOST_TEST(answered == 0);
  BOOST_TEST(log.writes.empty());
  queue.flush();  // the end of the round
  BOOST_TEST(answered == 3);
  BOOST_REQUIRE(log.writes.size() == 1u);
  BOOST_TEST(log.writes[0].sets == 3u);
  BOOST_TEST((log.writes[0].thread == std::this_thread::get_id()));
}

BOOST_AUTO_TEST_CASE(a_caller_can_leave_the_write_to_the_writer_thread) {
  ThreadRecordingLog log;
  domain::StateLock state_mutex;
  CommitQueue queue(
      log, false, state_mutex, [](std::span<const ChangeSet>) {},
      std::chrono::hours(1));  // no sweep: only the wake-up can get it written
  CommitQueue::Ticket ticket;
  {
    std::lock_guard lock(state_mutex);
    ticket = queue.enqueue(create(1));
  }
  std::promise<std::error_code> done;
  queue.when_durable(
      ticket, [&](std::error_code e) { done.set_value(e); }, CommitQueue::Lead::writer_thread);
  BOOST_TEST(!done.get_future().get());
  queue.stop();
  BOOST_REQUIRE(log.writes.size() == 1u);
  BOOST_TEST((log.writes[0].thread != std::this_thread::get_id()));
}

BOOST_AUTO_TEST_CASE(unsynced_concurrent_callers_lose_nothing_and_keep_the_order) {
  testing::MemoryLog log;
  domain::StateLock state_mutex;
  CommitQueue queue(log, false, state_mutex, [](std::span<const ChangeSet>) {});
  // Four threads rename one shared record in turn under the state lock; the last rename applied
  // must be the one on disk, whoever wrote which batch.
  const ChangeSet created = create(0);
  Record current = *created.front().after;
  {
    std::lock_guard lock(state_mutex);
    queue.enqueue(created);
  }
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        CommitQueue::Ticket ticket;
        {
          std::lock_guard lock(state_mutex);
          Record before = current;
          current[queue_field::name] = "t" + std::to_string(t) + " " + std::to_string(i);
          ticket = queue.enqueue({{Table::awa_queue, current.id, before, current}});
        }
        const auto lead = i % 2 ? CommitQueue::Lead::now : CommitQueue::Lead::on_flush;
        queue.when_durable(
            ticket, [&](std::error_code e) { answered += !e; }, lead);
        if (lead == CommitQueue::Lead::on_flush) queue.flush();
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(answered.load() == 2000);
  std::string last;
  {
    std::lock_guard lock(state_mutex);
    last = std::string(current.values[queue_field::name]);
  }
  BOOST_TEST(std::string(log.find(Table::awa_queue, current.id)->values[queue_field::name]) ==
             last);
}

BOOST_AUTO_TEST_CASE(stop_writes_what_is_queued) {
  testing::MemoryLog log;
  domain::StateLock state_mutex;
  {
    CommitQueue queue(log, false, state_mutex, [](std::span<const ChangeSet>) {});
    std::lock_guard lock(state_mutex);
    for (int i = 0; i < 100; ++i) queue.enqueue(create(i));
  }
  BOOST_TEST(log.size() == 100u);
}

BOOST_AUTO_TEST_SUITE_END()
