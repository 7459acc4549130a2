#include "usock/serial.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

#include "usock/error.hpp"

namespace usock {
namespace {

std::optional<speed_t> termios_speed(unsigned baud) {
  static constexpr std::pair<unsigned, speed_t> kRates[] = {
      {50, B50},           {75, B75},           {110, B110},         {134, B134},
      {150, B150},         {200, B200},         {300, B300},         {600, B600},
      {1200, B1200},       {1800, B1800},       {2400, B2400},       {4800, B4800},
      {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},
      {115200, B115200},   {230400, B230400},   {460800, B460800},   {500000, B500000},
      {576000, B576000},   {921600, B921600},   {1000000, B1000000}, {1152000, B1152000},
      {1500000, B1500000}, {2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000},
      {3500000, B3500000}, {4000000, B4000000},
  };
  for (const auto& [rate, speed] : kRates) {
    if (rate == baud) return speed;
  }
  return std::nullopt;
}

[[noreturn]] void raise_with(int code, const std::string& what) {
  throw OSError(code, what + ": " + OSError::from_errno(code).reason());
}

}  // namespace

bool is_supported_baud(unsigned baud) {
  return termios_speed(baud).has_value();
}

void make_raw_serial(int fd, unsigned baud) {
  const auto speed = termios_speed(baud);
  if (!speed) throw OSError(EINVAL, "baud rate " + std::to_string(baud) + " is not supported");
  termios settings{};
  if (::tcgetattr(fd, &settings) != 0) raise_with(errno, "cannot read the line settings");
  ::cfmakeraw(&settings);
  settings.c_cflag |= CLOCAL | CREAD;
  settings.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS | HUPCL);
  settings.c_iflag &= ~(IXON | IXOFF | IXANY);
  // read() returns what is there, even nothing: waiting is poll()'s job.
  settings.c_cc[VMIN] = 0;
  settings.c_cc[VTIME] = 0;
  ::cfsetispeed(&settings, *speed);
  ::cfsetospeed(&settings, *speed);
  if (::tcsetattr(fd, TCSANOW, &settings) != 0) raise_with(errno, "cannot set the line to raw 8N1");
}

void drop_modem_lines(int fd) {
  int lines = TIOCM_DTR | TIOCM_RTS;
  // A pty or a USB-CDC device without modem lines refuses: nothing to drop.
  ::ioctl(fd, TIOCMBIC, &lines);
}

Pty::Pty() : master_(-1), keeper_(-1) {
  master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (master_ < 0) raise_with(errno, "cannot create a pseudo-terminal");
  const char* name = nullptr;
  if (::grantpt(master_) != 0 || ::unlockpt(master_) != 0 ||
      (name = ::ptsname(master_)) == nullptr) {
    const int error = errno;
    ::close(master_);
    raise_with(error, "cannot set up the pseudo-terminal");
  }
  path_ = name;
  keeper_ = ::open(path_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (keeper_ < 0) {
    const int error = errno;
    ::close(master_);
    raise_with(error, "cannot open " + path_);
  }
  // Raw on the terminal side, so no byte is echoed, translated or held back
  // for line editing, whoever opens it next.
  make_raw_serial(keeper_, 115200);
}

Pty::Pty(Pty&& other) noexcept
    : master_(std::exchange(other.master_, -1)),
      keeper_(std::exchange(other.keeper_, -1)),
      path_(std::move(other.path_)) {}

Pty::~Pty() {
  if (keeper_ >= 0) ::close(keeper_);
  if (master_ >= 0) ::close(master_);
}

bool is_pseudo_terminal(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return false;
  return std::string_view(resolved).starts_with("/dev/pts/");
}

}  // namespace usock
