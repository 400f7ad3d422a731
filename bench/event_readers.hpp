// Readers of the outcome events beside the load: a WebSocket stream reader and a webhook
// receiver (which makes its own webhook and deletes it after). Each checks that event numbers
// come one after the other, none missing and none out of order; the receiver checks every
// delivery's signature too, with OpenSSL rather than the server's code. Both report the lag: from
// an event's time to its arrival here.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "bench/latency_histogram.hpp"

namespace awa::bench {

struct EventReaderOptions {
  std::string host, port, authorization;  // an admin's
};

struct EventReaderResult {
  std::uint64_t events = 0;        // received (once each, or again: see out_of_order)
  std::uint64_t messages = 0;      // WebSocket messages, or webhook POSTs
  std::uint64_t missing = 0;       // numbers skipped, or not received by the end
  std::uint64_t out_of_order = 0;  // a number not above the one before it
  std::uint64_t bad_signatures = 0;
  LatencyHistogram lag;  // microseconds (the event's time has millisecond precision)
  std::string error;     // why it stopped early, if it did
};

class EventReader {
public:
  virtual ~EventReader() = default;
  // Waits (up to `wait`) for the events through `newest`, then stops; the figures.
  virtual EventReaderResult finish(std::uint64_t newest, std::chrono::seconds wait) = 0;
};

// The newest event's number, from the stats endpoint (0 when it cannot be read).
std::uint64_t newest_event(const EventReaderOptions& options);
// Reads /api/now/awa-server/events/stream from after the newest event.
std::unique_ptr<EventReader> start_stream_reader(const EventReaderOptions& options);
// Listens on loopback and makes an awa_webhook (`max_batch`) that delivers to it.
std::unique_ptr<EventReader> start_webhook_receiver(const EventReaderOptions& options,
                                                    unsigned max_batch);

}  // namespace awa::bench
