// The real awa-server binary as a child process on loopback, with its log captured.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace awa::testing {

class ServerProcess {
public:
  // Starts the binary with `args` (and `--listen 127.0.0.1:0` unless they give one), and waits
  // until it listens.
  explicit ServerProcess(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                         bool wait_until_listening = true);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  int pid() const { return pid_; }
  // SIGTERM, then the exit status (waits at most 30 s, then SIGKILL and -1).
  int terminate();
  // SIGKILL: a crash, with no chance to flush anything.
  void kill();
  // Waits for the process to exit by itself; its exit status, or -1 after the timeout.
  int wait_exit(std::chrono::seconds timeout = std::chrono::seconds(30));
  // Waits until the log holds `needle`.
  bool wait_for_log(const std::string& needle,
                    std::chrono::seconds timeout = std::chrono::seconds(30));
  std::string log() const;

private:
  void read_output(int fd);

  int pid_ = -1;
  int status_ = -1;
  std::uint16_t port_ = 0;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string log_;
  bool closed_ = false;
};

}  // namespace awa::testing
