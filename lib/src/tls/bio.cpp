#include "bio.hpp"

#include <span>

namespace usock::tls {
namespace {

BioLink& link_of(BIO* bio) {
  return *static_cast<BioLink*>(BIO_get_data(bio));
}

// Runs one transfer. Exceptions must not cross OpenSSL's C frames, so a
// failure is kept in the link and shown to OpenSSL as a retry: its state
// stays resumable (a Socket may be read again after a timeout), and the
// session rethrows the failure itself once OpenSSL has returned.
template <class Transfer>
int transfer(BIO* bio, std::size_t* done, bool reading, Transfer&& call) {
  BioLink& link = link_of(bio);
  BIO_clear_retry_flags(bio);
  *done = 0;
  try {
    *done = call(*link.backend, link.wait);
  } catch (...) {
    link.error = std::current_exception();
    if (reading) {
      BIO_set_retry_read(bio);
    } else {
      BIO_set_retry_write(bio);
    }
    return 0;
  }
  if (reading && *done == 0) link.eof = true;
  return *done > 0 ? 1 : 0;
}

int bio_read(BIO* bio, char* data, std::size_t size, std::size_t* done) {
  return transfer(bio, done, true, [&](SocketBackend& backend, Wait wait) {
    return backend.recv(std::span<char>(data, size), 0, wait);
  });
}

int bio_write(BIO* bio, const char* data, std::size_t size, std::size_t* done) {
  return transfer(bio, done, false, [&](SocketBackend& backend, Wait wait) {
    return backend.send(std::span<const char>(data, size), 0, wait);
  });
}

long bio_ctrl(BIO* bio, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;  // every write went straight to the socket
    case BIO_CTRL_EOF:
      return link_of(bio).eof ? 1 : 0;
    default:
      return 0;
  }
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

// Made once and never changed: a constant table, as OpenSSL's own methods are.
const BIO_METHOD* socket_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "usock socket");
    BIO_meth_set_read_ex(made, bio_read);
    BIO_meth_set_write_ex(made, bio_write);
    BIO_meth_set_ctrl(made, bio_ctrl);
    BIO_meth_set_create(made, bio_create);
    return made;
  }();
  return method;
}

}  // namespace

BIO* make_bio(BioLink& link) {
  const BIO_METHOD* method = socket_method();
  BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
  if (bio != nullptr) BIO_set_data(bio, &link);
  return bio;
}

}  // namespace usock::tls
