#pragma once
// The custom BIO that carries TLS records over a usock SocketBackend instead
// of a file descriptor: the one piece that lets TLS run on any Stack.

#include <openssl/bio.h>

#include <exception>

#include "usock/backend.hpp"
#include "usock/wait.hpp"

namespace usock::tls {

// What the BIO reads and writes through during one SSL call. The session
// points it at the backend and the call's Wait before each call; the BIO
// records what OpenSSL cannot carry back (our exceptions, the peer's EOF).
struct BioLink {
  SocketBackend* backend = nullptr;
  Wait wait = Wait::forever();
  // The transport's failure (EAGAIN, ETIMEDOUT, ...), for the session to
  // rethrow once OpenSSL has returned.
  std::exception_ptr error;
  // The transport reached EOF; with no close_notify first, the stream was cut.
  bool eof = false;
};

// A BIO over `link`, which must outlive it. The caller owns the BIO.
BIO* make_bio(BioLink& link);

}  // namespace usock::tls
