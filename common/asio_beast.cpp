// Asio and Beast compiled once for the whole project (BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION): every other file includes their headers only, which keeps
// builds on a 2-core machine short.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
