#pragma once
// The code of the OSError a call raised, for CHECK(error_code(...) == EBADF):
// 0 when it returned normally. Any other exception fails the test as is.

#include "usock/error.hpp"

namespace usock::test {

template <class Call>
int error_code(Call&& call) {
  try {
    call();
  } catch (const OSError& error) {
    return error.code();
  }
  return 0;
}

}  // namespace usock::test
