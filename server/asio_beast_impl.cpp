// Separate compilation of Asio and Beast: their function bodies are compiled here, once,
// instead of in every file that includes them (BOOST_*_SEPARATE_COMPILATION is set in CMake).

#if defined(BOOST_ASIO_HAS_IO_URING)
// Asio 1.81 creates its ring with no setup flags; this build has it call the function below
// instead, which asks for cooperative task running. Without it, data arriving on a socket while
// the I/O thread runs interrupts the thread (an IPI) to receive it at once, and that receive
// then spins on the socket's lock, which the sender's CPU still holds while it delivers the
// packet (docs/decisions/0002).
// With it, the receive runs at the thread's next entry to the kernel. That is only safe because
// every socket operation is started by the I/O thread that waits on its ring (other threads
// dispatch to the connection's executor): task work goes to the thread that submitted, and a
// thread asleep elsewhere would never run it.
#include <liburing.h>

#include <cerrno>

int awa_io_uring_queue_init(unsigned entries, io_uring* ring, unsigned flags);
#define io_uring_queue_init awa_io_uring_queue_init
#endif

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>

#if defined(BOOST_ASIO_HAS_IO_URING)
#undef io_uring_queue_init
int awa_io_uring_queue_init(unsigned entries, io_uring* ring, unsigned flags) {
  io_uring_params params{};
  // TASKRUN_FLAG tells liburing, when it looks for completions without entering the kernel,
  // that task work is pending and it must enter.
  params.flags = flags | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
  const int result = io_uring_queue_init_params(entries, ring, &params);
  if (result != -EINVAL) return result;
  params = {};  // a kernel before 5.19: no such flags
  params.flags = flags;
  return io_uring_queue_init_params(entries, ring, &params);
}
#endif
