// An HTTP request and response as the API sees them: plain data, no Beast.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace awa::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // origin form: path and query
  std::string authorization;
  std::string content_type;
  std::string accept;
  std::string body;
};

struct HttpResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace awa::server
