#pragma once
// CRC-32 as zlib and MicroPython's binascii.crc32 compute it (reflected
// polynomial 0xEDB88320), so host and board agree on every checksum.

#include <cstdint>
#include <string_view>

namespace usock {

// Continues a running CRC: crc32(b, crc32(a)) == crc32(a + b); start with 0.
std::uint32_t crc32(std::string_view data, std::uint32_t crc = 0);

}  // namespace usock
