// uhttpget's response reader on bytes cut in pieces the input chooses: it
// ends in a response or a Failure with a documented code, never a crash; a
// sized body is handed on whole or refused as partial (exit 18).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "exit_codes.hpp"
#include "fuzz_check.hpp"
#include "response.hpp"
#include "tool.hpp"

namespace {

// The input after its first byte, handed out in pieces of 1 to 16 bytes
// whose sizes cycle through the first byte's bits.
class Pieces final : public uhttpget::ByteSource {
 public:
  explicit Pieces(std::string_view data)
      : sizes_(data.empty() ? 0 : static_cast<std::uint8_t>(data[0])),
        rest_(data.empty() ? data : data.substr(1)) {}

  std::size_t receive(std::span<char> buffer) override {
    const std::size_t piece = 1 + ((sizes_ >> (turn_++ % 5)) & 15);
    const std::size_t size = std::min({piece, buffer.size(), rest_.size()});
    rest_.copy(buffer.data(), size);
    rest_.remove_prefix(size);
    return size;
  }
  bool truncated() const override { return sizes_ & 1; }
  std::size_t left() const { return rest_.size(); }

 private:
  std::uint8_t sizes_;
  std::string_view rest_;
  unsigned turn_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Pieces source(input);
  uhttpget::ResponseReader reader(source, 64);
  std::string body;
  try {
    const uhttpget::Response response = reader.read_head("GET");
    FUZZ_CHECK(response.head.status >= 200 || response.head.status == 101);
    FUZZ_CHECK(!response.raw_head.empty() && response.raw_head.size() < size);
    reader.read_body(response, [&body](std::string_view piece) {
      body += piece;
      return true;
    });
    FUZZ_CHECK(body.size() < size);
    if (response.framing.kind == usock::http::Framing::Kind::length) {
      FUZZ_CHECK(body.size() == response.framing.length);
    }
  } catch (const usock::cli::Failure& failure) {
    const int code = failure.exit_code();
    FUZZ_CHECK(code == usock::cli::kExitWeirdReply || code == usock::cli::kExitPartial ||
               code == usock::cli::kExitEmptyReply);
    FUZZ_CHECK(std::string_view(failure.what()).size() > 0);
  }
  return 0;
}
