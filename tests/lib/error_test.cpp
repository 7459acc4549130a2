// OSError: the one exception of the library, shaped as MicroPython's.
#include "usock/error.hpp"

#include <netdb.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>

using usock::OSError;

// The portable resolver codes are documented as glibc's EAI_* numbers; the
// native stack and gai_strerror rely on that, so pin it down.
static_assert(usock::eai::badflags == EAI_BADFLAGS);
static_assert(usock::eai::noname == EAI_NONAME);
static_assert(usock::eai::again == EAI_AGAIN);
static_assert(usock::eai::fail == EAI_FAIL);
static_assert(usock::eai::family == EAI_FAMILY);
static_assert(usock::eai::socktype == EAI_SOCKTYPE);
static_assert(usock::eai::service == EAI_SERVICE);
static_assert(usock::eai::memory == EAI_MEMORY);
static_assert(usock::eai::system == EAI_SYSTEM);
static_assert(usock::eai::overflow == EAI_OVERFLOW);

TEST_CASE("OSError prints as Python's str(OSError(code, reason))") {
  const OSError error(ECONNREFUSED, "Connection refused");
  CHECK(std::string(error.what()) == "[Errno 111] Connection refused");
  CHECK(error.code() == 111);
  CHECK(error.reason() == "Connection refused");
  CHECK_FALSE(error.is_resolver_error());
}

TEST_CASE("OSError::from_errno takes the C library's description") {
  const OSError error = OSError::from_errno(ETIMEDOUT);
  CHECK(error.code() == ETIMEDOUT);
  CHECK(error.reason() == std::strerror(ETIMEDOUT));
  CHECK(std::string(error.what()) == "[Errno 110] " + std::string(std::strerror(ETIMEDOUT)));
}

TEST_CASE("resolver failures carry negative codes and gai_strerror's text") {
  const OSError error = OSError::from_resolver(usock::eai::noname);
  CHECK(error.code() == -2);
  CHECK(error.is_resolver_error());
  CHECK(error.reason() == "Name or service not known");
  CHECK(std::string(error.what()) == "[Errno -2] Name or service not known");
  CHECK(usock::resolver_reason(usock::eai::service) == "Servname not supported for ai_socktype");
}

TEST_CASE("one catch of std::runtime_error sees every OSError") {
  CHECK_THROWS_AS(throw OSError::from_errno(EBADF), std::runtime_error);
  CHECK_THROWS_WITH(throw OSError::from_resolver(usock::eai::service),
                    Catch::Contains("[Errno -8]"));
}

TEST_CASE("errno_name spells errno values as MicroPython prints them") {
  CHECK(usock::errno_name(ECONNREFUSED) == "ECONNREFUSED");
  CHECK(usock::errno_name(EAGAIN) == "EAGAIN");
  CHECK(usock::errno_name(ETIMEDOUT) == "ETIMEDOUT");
  CHECK(usock::errno_name(EBADF) == "EBADF");
  CHECK(usock::errno_name(EINPROGRESS) == "EINPROGRESS");
  CHECK(usock::errno_name(ENOPROTOOPT) == "ENOPROTOOPT");
  // No name: 0 is no error, negatives are resolver codes, 9999 is nothing.
  CHECK(usock::errno_name(0).empty());
  CHECK(usock::errno_name(-2).empty());
  CHECK(usock::errno_name(9999).empty());
}
