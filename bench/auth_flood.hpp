// awa-bench's auth-flood scenario: what a flood of bad credentials costs everyone else. Two
// phases of equal length: quiet (clients with cached credentials, at a fixed rate, and one
// client making fresh valid sign-ins, each as a user never signed in before), then the same
// under a flood (clients sending wrong passwords as fast as they are answered, each from an
// address of its own, plus, at the flood's start, a burst of connections that each send a
// request with a large body and close at once). It reports each group's latency, the server's
// RSS, and whether the targets hold: a fresh sign-in's p99 under 300 ms during the flood, the
// cached requests' p99 under twice the quiet phase's, the RSS under twice its idle figure.
#pragma once

#include <string>
#include <vector>

namespace awa::bench {

struct AuthFloodOptions {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::string admin_authorization;  // "Basic ..." of a user with the admin role
  double seconds = 20;              // each phase
  unsigned cached_clients = 4;
  double cached_rate = 2000;    // requests per second, all cached clients together
  double sign_in_rate = 10;     // fresh valid sign-ins per second
  unsigned flood_clients = 16;  // each from its own loopback address, 127.0.0.2 and up
  unsigned burst = 500;         // connect, send, close: from 127.0.1.1 and up
  std::size_t burst_body = 1 << 20;
  std::vector<int> server_pids;  // for the RSS
  std::string json_file;
};

// Runs the scenario and prints its report; the exit status (0 when every target holds).
int run_auth_flood(const AuthFloodOptions& options);

}  // namespace awa::bench
