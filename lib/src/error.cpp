#include "usock/error.hpp"

#include <netdb.h>

#include <cerrno>
#include <cstring>

namespace usock {

OSError::OSError(int code, std::string reason)
    : std::runtime_error("[Errno " + std::to_string(code) + "] " + reason),
      code_(code),
      reason_(std::move(reason)) {}

OSError OSError::from_errno(int code) {
  return OSError(code, std::strerror(code));
}

OSError OSError::from_resolver(int code) {
  return OSError(code, resolver_reason(code));
}

std::string resolver_reason(int code) {
  // Our portable codes are glibc's, so gai_strerror describes them directly.
  return gai_strerror(code);
}

std::string_view errno_name(int code) {
  switch (code) {
#define USOCK_ERRNO_NAME(e) \
  case e:                   \
    return #e;
    USOCK_ERRNO_NAME(EPERM)
    USOCK_ERRNO_NAME(ENOENT)
    USOCK_ERRNO_NAME(EINTR)
    USOCK_ERRNO_NAME(EIO)
    USOCK_ERRNO_NAME(EBADF)
    USOCK_ERRNO_NAME(EAGAIN)
    USOCK_ERRNO_NAME(ENOMEM)
    USOCK_ERRNO_NAME(EACCES)
    USOCK_ERRNO_NAME(EEXIST)
    USOCK_ERRNO_NAME(ENODEV)
    USOCK_ERRNO_NAME(EINVAL)
    USOCK_ERRNO_NAME(EMFILE)
    USOCK_ERRNO_NAME(ENFILE)
    USOCK_ERRNO_NAME(EPIPE)
    USOCK_ERRNO_NAME(ENOTSOCK)
    USOCK_ERRNO_NAME(EDESTADDRREQ)
    USOCK_ERRNO_NAME(EMSGSIZE)
    USOCK_ERRNO_NAME(EPROTOTYPE)
    USOCK_ERRNO_NAME(ENOPROTOOPT)
    USOCK_ERRNO_NAME(EPROTONOSUPPORT)
    USOCK_ERRNO_NAME(ESOCKTNOSUPPORT)
    USOCK_ERRNO_NAME(EOPNOTSUPP)
    USOCK_ERRNO_NAME(EAFNOSUPPORT)
    USOCK_ERRNO_NAME(EADDRINUSE)
    USOCK_ERRNO_NAME(EADDRNOTAVAIL)
    USOCK_ERRNO_NAME(ENETDOWN)
    USOCK_ERRNO_NAME(ENETUNREACH)
    USOCK_ERRNO_NAME(ECONNABORTED)
    USOCK_ERRNO_NAME(ECONNRESET)
    USOCK_ERRNO_NAME(ENOBUFS)
    USOCK_ERRNO_NAME(EISCONN)
    USOCK_ERRNO_NAME(ENOTCONN)
    USOCK_ERRNO_NAME(ETIMEDOUT)
    USOCK_ERRNO_NAME(ECONNREFUSED)
    USOCK_ERRNO_NAME(EHOSTDOWN)
    USOCK_ERRNO_NAME(EHOSTUNREACH)
    USOCK_ERRNO_NAME(EALREADY)
    USOCK_ERRNO_NAME(EINPROGRESS)
#undef USOCK_ERRNO_NAME
    default:
      return {};
  }
}

}  // namespace usock
