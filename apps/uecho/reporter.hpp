#pragma once
// The server's lines on stdout ("Connected by ('127.0.0.1', 54321)"), whole
// lines only, flushed at once so a script reading them sees each client as it
// comes; several workers share one Reporter.

#include <mutex>
#include <string_view>

namespace uecho {

class Reporter {
 public:
  void line(std::string_view text);

 private:
  std::mutex mutex_;
};

}  // namespace uecho
