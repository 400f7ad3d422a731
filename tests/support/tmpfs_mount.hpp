// A real small file system for fault tests: a tmpfs of a given size mounted on a fresh directory,
// resizable while mounted (space running out, then coming back), unmounted with the test.
// Mounting needs root (CI runs as root); where it is refused, `refused()` says why.
#pragma once

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "tests/support/temp_dir.hpp"

namespace awa::testing {

class TmpfsMount {
public:
  explicit TmpfsMount(std::size_t bytes) {
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options(bytes).c_str()) != 0) {
      refused_ = std::string("mount -t tmpfs refused: ") + std::strerror(errno);
    }
  }
  ~TmpfsMount() {
    if (refused_.empty()) ::umount2(dir_.path().c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  // Empty when mounted.
  const std::string& refused() const { return refused_; }
  const std::filesystem::path& path() const { return dir_.path(); }
  // Grows (or shrinks) the file system in place; whether the kernel took it.
  bool resize(std::size_t bytes) {
    return ::mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_REMOUNT, options(bytes).c_str()) == 0;
  }

private:
  static std::string options(std::size_t bytes) {
    return "size=" + std::to_string(bytes) + ",mode=0700";
  }

  TempDir dir_;
  std::string refused_;
};

}  // namespace awa::testing
