#pragma once
// Error numbers at the wire boundary (PROTOCOL.md 9.3, 9.4). The device
// sends Linux errno values and glibc's EAI_* codes, which are the library's
// own (error.hpp); this is the net under a board that sends its stack's
// numbers anyway.

namespace usock::proxy {

// The portable code for a RESULT or SOCKERR code: errno values and glibc's
// EAI_* codes unchanged, lwIP's resolver codes (-200 ...) as the table of
// PROTOCOL.md 9.4 maps them, any other negative code EAI_FAIL.
int portable_error_code(int code);

}  // namespace usock::proxy
