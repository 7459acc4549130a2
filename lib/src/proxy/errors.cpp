#include "usock/proxy/errors.hpp"

#include "usock/error.hpp"

namespace usock::proxy {

int portable_error_code(int code) {
  if (code >= eai::overflow) return code;
  switch (code) {
    case -200:  // lwIP EAI_NONAME
    case -210:  // HOST_NOT_FOUND
      return eai::noname;
    case -201:  // EAI_SERVICE
      return eai::service;
    case -203:  // EAI_MEMORY
      return eai::memory;
    case -204:  // EAI_FAMILY
      return eai::family;
    case -211:  // NO_DATA
      return eai::nodata;
    case -213:  // TRY_AGAIN
      return eai::again;
    default:  // -202 EAI_FAIL, -212 NO_RECOVERY, and what we cannot know
      return eai::fail;
  }
}

}  // namespace usock::proxy
