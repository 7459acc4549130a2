#include "usock/proxy/cobs.hpp"

#include <algorithm>
#include <cstring>

namespace usock::proxy {
namespace {

constexpr std::size_t kMaxBlock = 254;

}  // namespace

CobsEncoder::CobsEncoder(std::string& out) : out_(out) {
  open_block();
}

void CobsEncoder::open_block() {
  code_at_ = out_.size();
  block_ = 0;
  out_.push_back('\0');  // the code byte, known once the block closes
}

void CobsEncoder::write(std::string_view data) {
  while (!data.empty()) {
    const std::size_t take = std::min(kMaxBlock - block_, data.size());
    const auto* zero = static_cast<const char*>(std::memchr(data.data(), 0, take));
    const std::size_t copy = zero != nullptr ? static_cast<std::size_t>(zero - data.data()) : take;
    out_.append(data.data(), copy);
    block_ += copy;
    data.remove_prefix(copy);
    if (zero != nullptr) {
      data.remove_prefix(1);
      finish();
      open_block();
    } else if (block_ == kMaxBlock) {
      // A full block carries no implied zero; the next byte opens a new one.
      finish();
      open_block();
    }
  }
}

void CobsEncoder::finish() {
  out_[code_at_] = static_cast<char>(block_ + 1);
}

void cobs_encode(std::string_view data, std::string& out) {
  CobsEncoder encoder(out);
  encoder.write(data);
  encoder.finish();
}

std::optional<std::size_t> cobs_decode(std::string_view run, std::span<char> out) {
  std::size_t read = 0;
  std::size_t written = 0;
  while (read < run.size()) {
    const auto code = static_cast<unsigned char>(run[read]);
    if (code == 0) return std::nullopt;
    const std::size_t block = code - 1u;
    if (block > run.size() - read - 1) return std::nullopt;
    const char* from = run.data() + read + 1;
    if (std::memchr(from, 0, block) != nullptr) return std::nullopt;
    // memmove: decoding in place writes behind where it reads.
    std::memmove(out.data() + written, from, block);
    written += block;
    read += 1 + block;
    if (code != 0xFF && read < run.size()) out[written++] = '\0';
  }
  return written;
}

}  // namespace usock::proxy
