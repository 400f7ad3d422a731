// Text as it may go into a log line or an answer's message: control characters, and bytes that
// are not UTF-8, as \xNN, so an echo of input can neither forge a log line, nor break an answer's
// encoding (invalid UTF-8 in JSON; characters XML 1.0 cannot hold).
#pragma once

#include <string>
#include <string_view>

namespace awa::server {

std::string printable(std::string_view text);

}  // namespace awa::server
