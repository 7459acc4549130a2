// The chunked decoder gives the same status, body and leftover whether the
// bytes come all at once or one at a time.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "usock/http/body.hpp"

using usock::http::ChunkedDecoder;

namespace {

struct Outcome {
  ChunkedDecoder::Status status;
  std::string body;
  std::size_t consumed;
};

Outcome decode(std::string_view wire, std::size_t step) {
  ChunkedDecoder decoder;
  Outcome outcome{ChunkedDecoder::Status::more, {}, 0};
  while (outcome.consumed < wire.size() && outcome.status == ChunkedDecoder::Status::more) {
    std::size_t used = 0;
    outcome.status = decoder.feed(wire.substr(outcome.consumed, step), used, outcome.body);
    FUZZ_CHECK(used <= step);
    outcome.consumed += used;
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view wire(reinterpret_cast<const char*>(data), size);
  const Outcome whole = decode(wire, wire.size() + 1);
  const Outcome bytewise = decode(wire, 1);
  FUZZ_CHECK(whole.status == bytewise.status);
  FUZZ_CHECK(whole.body == bytewise.body);
  if (whole.status != ChunkedDecoder::Status::invalid) {
    FUZZ_CHECK(whole.consumed == bytewise.consumed);
  }
  FUZZ_CHECK(whole.body.size() <= size);
  return 0;
}
