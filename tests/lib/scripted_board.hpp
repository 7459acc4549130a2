#pragma once
// A board in this process, for the device stack's tests: the device side of
// the link (a LinkEndpoint of Side::device) on a real pseudo-terminal, run
// by a thread. It announces itself, answers HELLO, and hands every message
// from the host to the test's handler, which answers as the test needs;
// the test can also push messages, write console text or fall silent.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "usock/proxy/endpoint.hpp"
#include "usock/proxy/message.hpp"
#include "usock/serial.hpp"

namespace usock::test {

// A message from the host, with the payload its views point into.
struct Incoming {
  proxy::Header header;
  std::string payload;
  proxy::Message message() const { return proxy::decode_message(header, payload); }
};

class ScriptedBoard {
 public:
  static constexpr std::uint32_t kBootId = 0x0B00710D;
  static constexpr std::uint32_t kSockBuf = 1000;

  using Handler = std::function<void(const Incoming&)>;

  ScriptedBoard();
  ~ScriptedBoard();

  const std::string& path() const noexcept { return pty_.path(); }

  // Runs on the board's thread for each message; the default answers every
  // call with success (answer_success).
  void set_handler(Handler handler);
  // The RESULT a healthy board gives `call`.
  void answer_success(const Incoming& call);

  // From any thread.
  void send(const proxy::Message& message, std::uint16_t req = 0, std::uint8_t sock = 0);
  void result(const Incoming& call, std::int16_t code, const proxy::ResultBody& body = {});
  void write_console(const std::string& text);
  // Stops reading and writing, as a board that hangs.
  void go_silent();

  // Waits (bounded) for a message of `type` from the host, the n-th one.
  Incoming await(proxy::FrameType type, std::size_t nth = 1);

 private:
  void run();
  void handle(const Incoming& incoming);

  Pty pty_;
  std::mutex mutex_;
  std::condition_variable received_changed_;
  proxy::LinkEndpoint endpoint_;
  std::vector<Incoming> received_;
  Handler handler_;
  bool silent_ = false;
  bool stopping_ = false;
  int wake_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace usock::test
