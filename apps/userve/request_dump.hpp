#pragma once
// The seed's narration of each request on stdout:
//   Request from ('127.0.0.1', 54321)
//
//   Request:
//   b'GET / HTTP/1.1\r\n'
//   b'Host: 127.0.0.1:8080\r\n'
//   (a blank line)
// each line as Python's repr of the bytes readline() returned. Whole
// requests only, so lines from several workers never interleave.

#include <mutex>
#include <string_view>

#include "usock/sockaddr.hpp"

namespace userve {

class RequestDump {
 public:
  // `head` is the request head as received, its blank line included.
  void print(const usock::SockAddr& peer, std::string_view head);

 private:
  std::mutex mutex_;
};

}  // namespace userve
