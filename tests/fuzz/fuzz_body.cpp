// Request bodies: the first byte picks JSON or XML, the rest is the body. Parsed with the
// server's limits, then given to every decoder, then rendered back in both formats.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/body_format.hpp"
#include "server/message_codec.hpp"

using namespace awa::server;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const BodyFormat format = data[0] % 2 == 0 ? BodyFormat::json : BodyFormat::xml;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto parsed = parse_body(body, format);
  if (!parsed) {
    if (parsed.failure().message.empty()) std::abort();  // a refusal says why
    return 0;
  }
  const auto& object = parsed.value();
  (void)message::decode_offer(object);
  (void)message::decode_fields(object);
  (void)message::decode_presence(object);
  (void)message::decode_inbox_action(object);
  (void)message::decode_assignment(object);
  (void)message::decode_consult_end(object);
  // What was read can be written back, and read again, in either format.
  for (const auto out : {BodyFormat::json, BodyFormat::xml}) {
    const std::string text = render_body(object, out);
    if (out == BodyFormat::json && !parse_body(text, out)) std::abort();
  }
  return 0;
}
