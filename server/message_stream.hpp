// What an upgraded request's WebSocket carries (the event stream), as the HTTP layer sees it:
// numbered text messages it asks for when it has room, writes in order, and stops asking for
// when the reader lets too many of them wait. No Beast, no domain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace awa::server {

// A message, and where a reader that got it resumes the stream (its `after`).
struct StreamMessage {
  std::string text;
  std::uint64_t position = 0;
};

struct StreamBatch {
  std::vector<StreamMessage> messages;  // in order; none: ask again (something new may be there)
  bool live = false;                    // nothing newer was waiting: the reader is caught up
  // Nonzero: the stream cannot go on; close the WebSocket with this code and reason, to which
  // "; resume after N" is added when `resumable` (N: the last message the reader was sent).
  std::uint16_t close_code = 0;
  std::string close_reason;
  bool resumable = true;
};

class MessageStream {
public:
  using Deliver = std::function<void(StreamBatch)>;
  virtual ~MessageStream() = default;

  // Where a reader resumes when it got no message yet.
  virtual std::uint64_t start() const = 0;
  // Calls `deliver` exactly once, possibly on another thread and much later: with the next
  // messages once there are any (at least one, and beyond the first no more than `max_bytes`
  // in all), with none when it is worth asking again, or with a close.
  virtual void next(std::size_t max_bytes, Deliver deliver) = 0;
  // The WebSocket has closed (`slow`: because its reader fell behind). A next() in hand may not
  // deliver; the stream lets go of its `deliver`.
  virtual void ended(bool slow) = 0;
};

}  // namespace awa::server
