#pragma once
// Consistent Overhead Byte Stuffing (PROTOCOL.md 3.1): the encoded bytes hold
// no 0x00, so 0x00 can end every frame and a receiver resynchronises at the
// next one after any noise.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace usock::proxy {

// The largest encoding of `size` bytes: one code byte, plus one per full
// block of 254 non-zero bytes.
constexpr std::size_t cobs_max_size(std::size_t size) {
  return size + 1 + size / 254;
}

// Encodes pieces as they come, so a frame's header, payload and CRC are
// stuffed straight into the output without first being joined.
class CobsEncoder {
 public:
  // Appends to `out`, which must outlive the encoder.
  explicit CobsEncoder(std::string& out);

  void write(std::string_view data);
  // Closes the last block; write nothing afterwards.
  void finish();

 private:
  void open_block();

  std::string& out_;
  std::size_t code_at_ = 0;  // where the open block's code byte sits in out_
  std::size_t block_ = 0;    // non-zero bytes in the open block
};

// Appends the encoding of `data` (no delimiter) to `out`.
void cobs_encode(std::string_view data, std::string& out);

// Decodes one run of encoded bytes into `out`, which needs room for
// run.size() bytes and may start at run.data() (decoding in place). Returns
// the decoded size, or nullopt when the run holds a 0x00 or a code byte
// points past its end.
std::optional<std::size_t> cobs_decode(std::string_view run, std::span<char> out);

}  // namespace usock::proxy
