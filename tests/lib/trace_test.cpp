// The --trace narration: each call shown as the MicroPython statement that
// does the same thing, then what it returned or raised, as a REPL shows it.
#include "usock/trace.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "error_code.hpp"
#include "usock/error.hpp"
#include "usock/native_stack.hpp"

using namespace usock;
using usock::test::error_code;

namespace {

// A StreamTracer writing to a temporary file, and what it wrote so far.
class Capture {
 public:
  Capture() : file_(std::tmpfile()), tracer_(file_.get()) { REQUIRE(file_ != nullptr); }
  Tracer* tracer() { return &tracer_; }
  std::string text() {
    std::fflush(file_.get());
    std::rewind(file_.get());
    std::string out;
    char chunk[4096];
    while (const std::size_t got = std::fread(chunk, 1, sizeof chunk, file_.get())) {
      out.append(chunk, got);
    }
    std::fseek(file_.get(), 0, SEEK_END);  // C wants a seek between reading and writing
    return out;
  }

 private:
  struct Closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  StreamTracer tracer_;
};

// The expected narration with the kernel-chosen ports put in for their
// placeholders.
std::string fill(std::string text, std::initializer_list<std::pair<std::string, int>> values) {
  for (const auto& [key, value] : values) {
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at)) {
      text.replace(at, key.size(), std::to_string(value));
    }
  }
  return text;
}

}  // namespace

TEST_CASE("StreamTracer writes statements, results and errors as a REPL") {
  Capture capture;
  capture.tracer()->call("s = socket.socket()");
  capture.tracer()->result("42");
  capture.tracer()->raised(OSError::from_errno(ECONNREFUSED));
  capture.tracer()->raised(OSError::from_errno(ETIMEDOUT));
  // A number with no symbolic name falls back to the description.
  capture.tracer()->raised(OSError(200, "Odd failure"));
  capture.tracer()->raised(OSError::from_resolver(eai::noname));
  CHECK(capture.text() ==
        ">>> s = socket.socket()\n"
        "42\n"
        "OSError: [Errno 111] ECONNREFUSED\n"
        "OSError: [Errno 110] ETIMEDOUT\n"
        "OSError: [Errno 200] Odd failure\n"
        "OSError: [Errno -2] Name or service not known\n");
}

TEST_CASE("getaddrinfo narrates its call and the list it returns") {
  Capture capture;
  NativeStack stack;
  stack.set_tracer(capture.tracer());
  stack.getaddrinfo("127.0.0.1", "80", {Family::unspec, SockType::stream, 0, 0});
  stack.getaddrinfo("::1", "http", {Family::inet6, SockType::stream, 0, ai::numerichost});
  CHECK(error_code([&] { stack.getaddrinfo("nonexistent.invalid", "80"); }) == eai::noname);
  CHECK(capture.text() ==
        ">>> socket.getaddrinfo('127.0.0.1', 80, 0, 1)\n"
        "[(2, 1, 6, '', ('127.0.0.1', 80))]\n"
        ">>> socket.getaddrinfo('::1', 'http', 10, 1, 0, 4)\n"
        "[(10, 1, 6, '', ('::1', 80, 0, 0))]\n"
        ">>> socket.getaddrinfo('nonexistent.invalid', 80)\n"
        "OSError: [Errno -2] Name or service not known\n");
}

TEST_CASE("a TCP session narrates socket, bind, listen, connect, accept, send, recv, close") {
  Capture capture;
  NativeStack stack;
  stack.set_tracer(capture.tracer());
  Socket server = stack.socket(Family::inet, SockType::stream, 0, "server");
  server.bind(SockAddr::from_numeric("127.0.0.1", 0));
  server.listen(1);
  const SockAddr where = server.getsockname();
  Socket s = stack.socket();
  s.connect(where);
  auto [conn, addr] = server.accept();
  CHECK(s.send("hello") == 5);
  CHECK(conn.recv(10) == "hello");
  s.close();
  CHECK(conn.recv(10).empty());
  conn.close();

  CHECK(capture.text() == fill(">>> server = socket.socket()\n"
                               ">>> server.bind(('127.0.0.1', 0))\n"
                               ">>> server.listen(1)\n"
                               ">>> server.getsockname()\n"
                               "('127.0.0.1', PORT)\n"
                               ">>> s = socket.socket()\n"
                               ">>> s.connect(('127.0.0.1', PORT))\n"
                               ">>> conn, addr = server.accept()\n"
                               "# addr = ('127.0.0.1', PEER)\n"
                               ">>> s.send(b'hello')\n"
                               "5\n"
                               ">>> conn.recv(10)\n"
                               "b'hello'\n"
                               ">>> s.close()\n"
                               ">>> conn.recv(10)\n"
                               "b''\n"
                               ">>> conn.close()\n",
                               {{"PORT", where.port()}, {"PEER", addr.port()}}));
}

TEST_CASE("a refused connection narrates the error as MicroPython prints it") {
  NativeStack stack;
  // A bound socket that does not listen: its port is held but refuses connections.
  Socket holder = stack.socket();
  holder.bind(SockAddr::from_numeric("127.0.0.1", 0));
  const SockAddr refused = holder.getsockname();

  Capture capture;
  stack.set_tracer(capture.tracer());
  Socket s = stack.socket(Family::inet, SockType::stream, 0, "client");
  CHECK(error_code([&] { s.connect(refused); }) == ECONNREFUSED);
  s.close();
  CHECK(error_code([&] { s.recv(1); }) == EBADF);
  CHECK(capture.text() == fill(">>> client = socket.socket()\n"
                               ">>> client.connect(('127.0.0.1', PORT))\n"
                               "OSError: [Errno 111] ECONNREFUSED\n"
                               ">>> client.close()\n"
                               ">>> client.recv(1)\n"
                               "OSError: [Errno 9] EBADF\n",
                               {{"PORT", refused.port()}}));
}

TEST_CASE("UDP calls narrate with their arguments") {
  Capture capture;
  NativeStack stack;
  stack.set_tracer(capture.tracer());
  Socket u = stack.socket(Family::inet6, SockType::dgram, 0, "u");
  u.bind(SockAddr::from_numeric("::1", 0));
  const SockAddr self = u.getsockname();
  CHECK(u.sendto("ping", self) == 4);
  u.settimeout(10.0);
  const auto [data, from] = u.recvfrom(16);
  CHECK(data == "ping");
  CHECK(capture.text() == fill(">>> u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
                               ">>> u.bind(('::1', 0, 0, 0))\n"
                               ">>> u.getsockname()\n"
                               "('::1', PORT, 0, 0)\n"
                               ">>> u.sendto(b'ping', ('::1', PORT, 0, 0))\n"
                               "4\n"
                               ">>> u.settimeout(10.0)\n"
                               ">>> u.recvfrom(16)\n"
                               "(b'ping', ('::1', PORT, 0, 0))\n",
                               {{"PORT", self.port()}}));
}

TEST_CASE("timeouts narrate as Python's repr of the float") {
  Capture capture;
  NativeStack stack;
  stack.set_tracer(capture.tracer());
  Socket s = stack.socket();
  for (const double seconds :
       {0.0, 2.5, 10.0, 30.0, 100.0, 0.1, 0.0001, 1e-05, 123456789.0, 1e15, 1e16, 1.5e16}) {
    s.settimeout(seconds);
  }
  s.settimeout(std::nullopt);
  CHECK(error_code([&] { s.settimeout(-1.0); }) == EINVAL);
  s.setblocking(false);
  s.setblocking(true);
  // Python: repr(10.0) is '10.0' and repr(1e15) '1000000000000000.0', but
  // repr(1e16) switches to '1e+16'.
  CHECK(capture.text() ==
        ">>> s = socket.socket()\n"
        ">>> s.settimeout(0.0)\n"
        ">>> s.settimeout(2.5)\n"
        ">>> s.settimeout(10.0)\n"
        ">>> s.settimeout(30.0)\n"
        ">>> s.settimeout(100.0)\n"
        ">>> s.settimeout(0.1)\n"
        ">>> s.settimeout(0.0001)\n"
        ">>> s.settimeout(1e-05)\n"
        ">>> s.settimeout(123456789.0)\n"
        ">>> s.settimeout(1000000000000000.0)\n"
        ">>> s.settimeout(1e+16)\n"
        ">>> s.settimeout(1.5e+16)\n"
        ">>> s.settimeout(None)\n"
        ">>> s.settimeout(-1.0)\n"
        "OSError: [Errno 22] EINVAL\n"
        ">>> s.setblocking(False)\n"
        ">>> s.setblocking(True)\n");
}

TEST_CASE("options and flags narrate with the socket module's names") {
  Capture capture;
  NativeStack stack;
  stack.set_tracer(capture.tracer());
  Socket s = stack.socket();
  s.setsockopt(sol::socket, so::reuseaddr, 1);
  CHECK(s.getsockopt_int(sol::socket, so::reuseaddr) == 1);
  CHECK(error_code([&] { s.setsockopt(sol::socket, 0x7777, 1); }) == ENOPROTOOPT);
  CHECK(error_code([&] { s.recv(4, msg::dontwait); }) != 0);
  CHECK(capture.text() ==
        ">>> s = socket.socket()\n"
        ">>> s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        ">>> s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)\n"
        "1\n"
        ">>> s.setsockopt(socket.SOL_SOCKET, 30583, 1)\n"
        "OSError: [Errno 92] ENOPROTOOPT\n"
        ">>> s.recv(4, 8)\n"
        "OSError: [Errno 107] ENOTCONN\n");
}

TEST_CASE("a poller narrates select.poll calls and the ready list") {
  Capture capture;
  NativeStack stack;
  stack.set_tracer(capture.tracer());
  Socket u = stack.socket(Family::inet, SockType::dgram, 0, "u");
  u.bind(SockAddr::from_numeric("127.0.0.1", 0));
  Poller poller = stack.poll();
  poller.add(u, pollev::in | pollev::out, 7);
  CHECK(poller.poll(10000).size() == 1);
  poller.modify(u, pollev::in, 7);
  CHECK(poller.poll(0).empty());
  poller.remove(u);
  const std::string text = capture.text();
  CHECK(text.substr(text.find(">>> poller")) ==
        ">>> poller = select.poll()\n"
        ">>> poller.register(u, select.POLLIN | select.POLLOUT)\n"
        ">>> poller.poll(10000)\n"
        "[(<7>, select.POLLOUT)]\n"
        ">>> poller.modify(u, select.POLLIN)\n"
        ">>> poller.poll(0)\n"
        "[]\n"
        ">>> poller.unregister(u)\n");
}

TEST_CASE("no tracer, no narration") {
  Capture capture;
  NativeStack stack;
  stack.set_tracer(capture.tracer());
  Socket s = stack.socket();
  stack.set_tracer(nullptr);
  // A socket keeps the tracer of its birth; a new one made now has none.
  Socket quiet = stack.socket(Family::inet, SockType::stream, 0, "quiet");
  quiet.setsockopt(sol::socket, so::reuseaddr, 1);
  quiet.close();
  s.close();
  CHECK(capture.text() == ">>> s = socket.socket()\n>>> s.close()\n");
}
