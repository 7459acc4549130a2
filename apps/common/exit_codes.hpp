#pragma once
// Every tool's exit codes, in one table. Where curl has a code for the same
// meaning we use curl's number, so scripts that know curl know us.

#include <exception>

namespace usock::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,            // anything without a more specific code
  kExitUsage = 2,              // bad options or arguments
  kExitBadUrl = 3,             // curl: URL malformed
  kExitNoDevice = 5,           // curl (proxy not resolved): the --device does not exist
  kExitResolve = 6,            // curl: could not resolve host
  kExitConnect = 7,            // curl: failed to connect
  kExitWeirdReply = 8,         // curl: the server's reply is not HTTP (garbage, endless head)
  kExitPartial = 18,           // curl: the body ended before its announced end
  kExitHttpError = 22,         // curl: --fail and a status of 400 or more
  kExitWrite = 23,             // curl: write error (output could not be written)
  kExitRead = 26,              // curl: a file to send could not be read
  kExitTimeout = 28,           // curl: operation timed out
  kExitTls = 35,               // curl: TLS handshake failed
  kExitTooManyRedirects = 47,  // curl: more redirects than --max-redirs
  kExitEmptyReply = 52,        // curl: the server closed without sending a byte
  kExitSend = 55,              // curl: failed sending network data
  kExitRecv = 56,              // curl: failure in receiving network data (reset, early close)
  kExitCertificate = 60,       // curl: the peer's certificate was refused
  kExitDeviceHandshake = 97,   // curl (proxy handshake): no agent answers, versions differ
  // PROTOCOL.md 13: failures of the line to a board, above curl's codes.
  kExitLinkLost = 120,      // the board went silent or the port vanished
  kExitDeviceReset = 121,   // the board reset during the run
  kExitLinkNoisy = 122,     // too many damaged frames: wrong baud rate?
  kExitAgentCrashed = 123,  // the agent on the board died
  kExitInterrupted = 130,   // 128 + SIGINT: the agent or the tool was interrupted
};

// The exit code for an error that escaped a tool's main: link errors give
// the codes of PROTOCOL.md 13 (5, 7, 97, 120-123, 130), resolver errors
// give 6, refused or unreachable peers 7, timeouts 28, a peer that went away
// 55 (while sending) or 56 (reset), a failed TLS handshake 35, a refused
// certificate 60, a TLS session broken later 56, the rest 1.
int exit_code_for(const std::exception& error);

}  // namespace usock::cli
