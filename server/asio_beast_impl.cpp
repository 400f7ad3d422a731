// Separate compilation of Asio and Beast: their function bodies are compiled here, once,
// instead of in every file that includes them (BOOST_*_SEPARATE_COMPILATION is set in CMake).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
