#pragma once
// Where a response's bytes come from: a connection in the tool, a buffer cut
// in arbitrary pieces in the fuzzer.

#include <cstddef>
#include <span>

namespace uhttpget {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Some bytes, 0 at EOF.
  virtual std::size_t receive(std::span<char> buffer) = 0;
  // EOF came without the sender's own end-of-data mark (TLS close_notify).
  virtual bool truncated() const = 0;
};

}  // namespace uhttpget
