// An answer's status line and header fields, as Beast's serializer would write them for the
// same message: formatted straight into a reused string, because Beast's generic buffer
// sequences (a variant of concatenated views, walked on every partial write) and a heap node per
// field cost 7% of an offer's instructions for a head of five fields at most.
#pragma once

#include <string>

#include "server/http_message.hpp"

namespace awa::server {

// Replaces `out` with the head of `response` for a client speaking HTTP/1.`minor`: the status
// line, Server, Content-Type (not on a 204), the response's own fields, Connection where the
// version's default is not what `keep_alive` says, Content-Length (not on a 204), and the blank
// line. The body follows it unchanged (for HEAD, not at all: Content-Length still tells its size).
void format_response_head(const HttpResponse& response, unsigned version, bool keep_alive,
                          std::string& out);

}  // namespace awa::server
