#pragma once
// The teaching narration: every socket call can be shown as the MicroPython
// statement that does the same thing, followed by what it returned, like a
// REPL session. Tools turn it on with --trace; it costs nothing when off.

#include <cstdio>
#include <string_view>

namespace usock {

class OSError;

class Tracer {
 public:
  virtual ~Tracer() = default;
  // A statement, e.g. "s.connect(('127.0.0.1', 80))".
  virtual void call(std::string_view statement) = 0;
  // The repr of what the last statement evaluated to.
  virtual void result(std::string_view repr) = 0;
  // The exception the last statement raised.
  virtual void raised(const OSError& error) = 0;
};

// Writes the narration to a stdio stream as a REPL would show it:
//   >>> socket.getaddrinfo('localhost', 80)
//   [(2, 1, 6, '', ('127.0.0.1', 80))]
//   OSError: [Errno 111] ECONNREFUSED
class StreamTracer final : public Tracer {
 public:
  explicit StreamTracer(std::FILE* out) : out_(out) {}
  void call(std::string_view statement) override;
  void result(std::string_view repr) override;
  void raised(const OSError& error) override;

 private:
  std::FILE* out_;
};

}  // namespace usock
