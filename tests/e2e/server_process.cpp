#include "tests/e2e/server_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <stdexcept>

namespace awa::testing {

ServerProcess::ServerProcess(std::vector<std::string> args, std::map<std::string, std::string> env,
                             bool wait_until_listening) {
  if (std::find(args.begin(), args.end(), "--listen") == args.end()) {
    args.insert(args.begin(), {"--listen", "127.0.0.1:0"});
  }
  args.insert(args.begin(), AWA_SERVER_BINARY);
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    ::unsetenv("AWA_ADMIN_PASSWORD");
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  reader_ = std::thread([this, fd = pipe_fds[0]] { read_output(fd); });
  if (!wait_until_listening) return;
  std::smatch match;
  const bool listening = wait_for_log(" threads, durability ");
  const std::string text = log();
  if (!listening ||
      !std::regex_search(text, match, std::regex("listening on 127\\.0\\.0\\.1:(\\d+)"))) {
    kill();
    reader_.join();  // a constructor that throws runs no destructor
    throw std::runtime_error("awa-server did not start:\n" + text);
  }
  port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && status_ == -1) kill();
  if (reader_.joinable()) reader_.join();
}

void ServerProcess::read_output(int fd) {
  char buffer[4096];
  for (;;) {
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    std::lock_guard lock(mutex_);
    log_.append(buffer, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  ::close(fd);
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

bool ServerProcess::wait_for_log(const std::string& needle, std::chrono::seconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return log_.find(needle) != std::string::npos || closed_;
  }) && log_.find(needle) != std::string::npos;
}

std::string ServerProcess::log() const {
  std::lock_guard lock(mutex_);
  return log_;
}

int ServerProcess::wait_exit(std::chrono::seconds timeout) {
  if (status_ != -1) return status_;
  // The output pipe closes as the process exits: wait for that, bounded. The kernel closes the
  // files a moment before the process can be reaped, so then reap it blocking.
  {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return closed_; })) return -1;
  }
  int status = 0;
  if (::waitpid(pid_, &status, 0) != pid_) return -1;
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return status_;
}

int ServerProcess::terminate() {
  ::kill(pid_, SIGTERM);
  const int status = wait_exit();
  if (status == -1) kill();
  return status;
}

void ServerProcess::kill() {
  if (status_ != -1) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  status_ = 128 + SIGKILL;
}

}  // namespace awa::testing
