// Links to a board: device URIs, real pseudo-terminals in raw mode (every byte
// value passes untouched, both ways, a megabyte at a time), hang-ups, TCP
// links to a local listener, and the errors a user meets at --device.
#include "usock/link.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "error_code.hpp"
#include "usock/error.hpp"
#include "usock/serial.hpp"

using namespace usock;
using usock::test::error_code;
using namespace std::chrono_literals;

namespace {

LinkAddress address_of(const std::string& uri) {
  std::string error;
  const auto address = parse_link_uri(uri, error);
  INFO(uri << ": " << error);
  REQUIRE(address);
  return *address;
}

std::string refusal(const std::string& uri) {
  std::string error;
  CHECK_FALSE(parse_link_uri(uri, error));
  CHECK_FALSE(error.empty());
  return error;
}

Wait soon() {
  return Wait::from_timeout(10.0);
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string out(size, '\0');
  for (auto& byte : out)
    byte = static_cast<char>(generator());
  return out;
}

// Writes all of `data` to a non-blocking fd, waiting as needed (bounded).
void write_fd(int fd, std::string_view data) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!data.empty() && std::chrono::steady_clock::now() < deadline) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written > 0) {
      data.remove_prefix(static_cast<std::size_t>(written));
    } else {
      std::this_thread::sleep_for(1ms);
    }
  }
  REQUIRE(data.empty());
}

// Reads exactly `size` bytes from a non-blocking fd (bounded).
std::string read_fd(int fd, std::size_t size) {
  std::string out;
  char buffer[65536];
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (out.size() < size && std::chrono::steady_clock::now() < deadline) {
    const ssize_t got = ::read(fd, buffer, std::min(sizeof buffer, size - out.size()));
    if (got > 0) {
      out.append(buffer, static_cast<std::size_t>(got));
    } else {
      std::this_thread::sleep_for(1ms);
    }
  }
  return out;
}

std::string read_link(Link& link, std::size_t size) {
  std::string out;
  char buffer[65536];
  while (out.size() < size) {
    const std::size_t got =
        link.read_some(std::span(buffer, std::min(sizeof buffer, size - out.size())), soon());
    if (got == 0) break;
    out.append(buffer, got);
  }
  return out;
}

void write_link(Link& link, std::string_view data) {
  while (!data.empty())
    data.remove_prefix(link.write_some(data, soon()));
}

}  // namespace

TEST_CASE("device URIs name a serial port a TCP bridge or stdio") {
  const auto serial = address_of("serial:///dev/ttyUSB0?baud=921600");
  CHECK(serial.kind == LinkAddress::Kind::serial);
  CHECK(serial.path == "/dev/ttyUSB0");
  CHECK(serial.baud == 921600);
  CHECK(serial.text() == "serial:///dev/ttyUSB0?baud=921600");
  CHECK(address_of("/dev/ttyACM0").text() == "serial:///dev/ttyACM0?baud=115200");
  CHECK(address_of("/dev/pts/3?baud=9600").baud == 9600);
  const auto tcp = address_of("tcp://127.0.0.1:7000");
  CHECK(tcp.kind == LinkAddress::Kind::tcp);
  CHECK(tcp.host == "127.0.0.1");
  CHECK(tcp.port == 7000);
  CHECK(address_of("tcp://[::1]:7000/").text() == "tcp://[::1]:7000");
  CHECK(address_of("tcp://board.local:23").host == "board.local");
  CHECK(address_of("stdio").kind == LinkAddress::Kind::stdio);
  CHECK(address_of("-").text() == "stdio");
}

TEST_CASE("malformed device URIs are refused with the reason") {
  CHECK(refusal("ttyUSB0").find("is not a device (expected serial:///dev/ttyUSB0") !=
        std::string::npos);
  CHECK(refusal("usb://x") != "");
  CHECK(refusal("serial://dev/ttyUSB0") ==
        "a serial device is an absolute path such as /dev/ttyUSB0");
  CHECK(refusal("serial:///dev/ttyUSB0?baud=12345") ==
        "baud rate '12345' is not supported (9600, 115200, 921600, ...)");
  CHECK(refusal("/dev/ttyUSB0?baud=") != "");
  CHECK(refusal("/dev/ttyUSB0?baud=99999999999") != "");
  CHECK(refusal("/dev/ttyUSB0?parity=even") == "unknown device option 'parity' (known: baud)");
  CHECK(refusal("tcp://127.0.0.1") == "expected tcp://HOST:PORT");
  CHECK(refusal("tcp://127.0.0.1:0") == "port '0' is not a number from 1 to 65535");
  CHECK(refusal("tcp://127.0.0.1:70000") == "port '70000' is not a number from 1 to 65535");
  CHECK(refusal("tcp://:7000") == "no usable host in tcp://:7000");
  CHECK(refusal("tcp://::1:7000") == "expected tcp://HOST:PORT");
  CHECK(refusal("tcp://[::1]7000") == "expected tcp://[IPv6]:PORT");
  CHECK(refusal("tcp://[[]:700/") == "no usable host in tcp://[[]:700");
  CHECK(refusal("tcp://[board]:700") == "no usable host in tcp://[board]:700");
}

TEST_CASE("a pty carries every byte value untouched both ways") {
  Pty pty;
  Link link = Link::open(address_of(pty.path() + "?baud=9600"));
  // Every value, including those a cooked terminal would act on: NUL,
  // Ctrl-C, Ctrl-D, XON/XOFF, CR and LF.
  std::string all;
  for (int value = 0; value < 256; ++value)
    all += static_cast<char>(value);
  write_link(link, all);
  CHECK(read_fd(pty.master_fd(), all.size()) == all);
  write_fd(pty.master_fd(), all);
  CHECK(read_link(link, all.size()) == all);
}

TEST_CASE("a pty moves a megabyte each way at once") {
  Pty pty;
  Link link = Link::open(address_of("serial://" + pty.path()));
  const std::string to_board = random_bytes(1 << 20, 1);
  const std::string to_host = random_bytes(1 << 20, 2);
  std::string board_got;
  std::thread board([&] {
    std::thread sender([&] { write_fd(pty.master_fd(), to_host); });
    board_got = read_fd(pty.master_fd(), to_board.size());
    sender.join();
  });
  std::thread host_sender([&] { write_link(link, to_board); });
  const std::string host_got = read_link(link, to_host.size());
  host_sender.join();
  board.join();
  CHECK(host_got == to_host);
  CHECK(board_got == to_board);
}

TEST_CASE("the port is raw 8N1 at the baud rate asked for") {
  Pty pty;
  Link link = Link::open(address_of("serial://" + pty.path() + "?baud=57600"));
  termios settings{};
  REQUIRE(::tcgetattr(link.read_fd(), &settings) == 0);
  CHECK(::cfgetospeed(&settings) == B57600);
  CHECK((settings.c_cflag & CSIZE) == CS8);
  CHECK((settings.c_cflag & (PARENB | CSTOPB | CRTSCTS | HUPCL)) == 0);
  CHECK((settings.c_lflag & (ICANON | ECHO | ISIG)) == 0);
  CHECK((settings.c_iflag & (IXON | ICRNL)) == 0);
  CHECK((settings.c_oflag & OPOST) == 0);
}

TEST_CASE("reads wait as the Wait says") {
  Pty pty;
  Link link = Link::open(address_of(pty.path()));
  char buffer[16];
  CHECK(error_code([&] { link.read_some(buffer, Wait::never()); }) == EAGAIN);
  CHECK(error_code([&] { link.read_some(buffer, Wait::from_timeout(0.1)); }) == ETIMEDOUT);
  write_fd(pty.master_fd(), "x");
  CHECK(link.read_some(buffer, Wait::never()) == 1);
}

TEST_CASE("a board side that goes away reads as the end of the line") {
  auto pty = std::make_unique<Pty>();
  Link link = Link::open(address_of(pty->path()));
  write_fd(pty->master_fd(), "last words");
  CHECK(read_link(link, 10) == "last words");
  pty.reset();
  char buffer[16];
  CHECK(link.read_some(buffer, soon()) == 0);
}

TEST_CASE("a TCP link reaches a board bridge") {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &length) == 0);
  Link link = Link::open(address_of("tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port))));
  const int bridge = ::accept(listener, nullptr, nullptr);
  REQUIRE(bridge >= 0);
  write_link(link, std::string_view("frame\x00bytes", 11));
  CHECK(read_fd(bridge, 11) == std::string("frame\x00bytes", 11));
  write_fd(bridge, "reply");
  CHECK(read_link(link, 5) == "reply");
  ::close(bridge);
  char buffer[8];
  CHECK(link.read_some(buffer, soon()) == 0);
  ::close(listener);
}

TEST_CASE("opening a missing device a file or a closed port says why") {
  try {
    Link::open(address_of("/dev/no-such-tty"));
    FAIL("opened a missing device");
  } catch (const OSError& error) {
    CHECK(error.code() == ENOENT);
    CHECK(error.reason() == "cannot open serial port /dev/no-such-tty: No such file or directory");
  }
  char path[] = "/tmp/usock-link-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  CHECK(error_code([&] { Link::open(address_of(path)); }) == ENOTTY);
  ::unlink(path);
  // A port nothing listens on: bound, then closed.
  const int probe = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  ::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(probe);
  CHECK(error_code([&] {
          Link::open(address_of("tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port))));
        }) == ECONNREFUSED);
}
