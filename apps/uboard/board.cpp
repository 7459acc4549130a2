#include "board.hpp"

#include <spdlog/spdlog.h>
#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <string_view>

#include "usock/native_stack.hpp"

namespace uboard {

namespace proxy = usock::proxy;
using usock::Clock;

namespace {

// Poller tokens beside the socket ids (1-254).
constexpr std::uint64_t kPortToken = 1000;
constexpr std::uint64_t kPortWriteToken = 1001;
constexpr std::uint64_t kListenToken = 1002;
constexpr std::uint64_t kResolverToken = 1003;

// Bytes read from the port but not yet through the emulated line: beyond
// this the board stops reading, as a UART whose FIFO is full.
constexpr std::size_t kMaxInbound = 64 * 1024;
constexpr std::size_t kReadChunk = 16 * 1024;

// What an ESP32 prints when it resets (PROTOCOL.md 11): the ROM's lines,
// then MicroPython's banner and prompt.
constexpr std::string_view kResetConsole =
    "ets Jul 29 2019 12:21:46\r\n"
    "\r\n"
    "rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n"
    "configsip: 0, SPIWP:0xee\r\n"
    "clk_drv:0x00,q_drv:0x00,d_drv:0x00,cs0_drv:0x00,hd_drv:0x00,wp_drv:0x00\r\n"
    "mode:DIO, clock div:2\r\n"
    "load:0x3fff0030,len:4728\r\n"
    "entry 0x400805b8\r\n"
    "MicroPython v1.23.0 on 2024-06-02; Generic ESP32 module with ESP32\r\n"
    "Type \"help()\" for more information.\r\n"
    ">>> ";

std::string machine_name() {
  utsname names{};
  if (::uname(&names) != 0) return "unknown";
  return names.machine;
}

BoardIdentity identity_of(const Cli& cli) {
  return BoardIdentity{cli.emulation().baud, cli.max_sockets(), machine_name()};
}

LineSettings line_settings(const Cli& cli, std::uint64_t seed) {
  const auto& emulation = cli.emulation();
  return LineSettings{emulation.baud, emulation.noise, seed, emulation.latency};
}

proxy::EndpointConfig endpoint_config(const Cli& cli) {
  // PROTOCOL.md 11: uboard's window, mtu and message limits are the host's,
  // which are EndpointConfig's defaults.
  proxy::EndpointConfig config;
  config.side = proxy::Side::device;
  config.byte_time = proxy::byte_time_at(cli.emulation().baud);
  return config;
}

}  // namespace

Board::Board(const Cli& cli, usock::Stack& stack, Port& port)
    : cli_(cli),
      port_(port),
      poller_(stack.poll()),
      sockets_(stack, poller_),
      resolver_(stack),
      session_(sockets_, resolver_, identity_of(cli)),
      config_(endpoint_config(cli)),
      inbound_(line_settings(cli, cli.seed()), Clock::now()),
      outbound_(line_settings(cli, cli.seed() + 1), Clock::now()),
      boot_random_(std::random_device{}()) {}

std::uint32_t Board::new_boot_id() {
  // Never 0: a RESET from the host carries boot id 0.
  std::uint32_t id = 0;
  while (id == 0)
    id = boot_random_();
  return id;
}

void Board::fresh_link(Clock::time_point now) {
  link_ = std::make_unique<proxy::LinkEndpoint>(config_, now);
  inbound_.clear();
  outbound_.clear();
  port_readable_ = false;
  port_writable_ = true;
  session_.restart(*link_, new_boot_id(), now);
}

void Board::reset_board(Clock::time_point now) {
  spdlog::info("reset after {} wire bytes", wire_bytes_);
  reset_done_ = true;
  // The board's stack restarts: sockets die abortively and whatever was on
  // its way out is cut short by the boot console.
  sockets_.close_all();
  outbound_.clear();
  outbound_.push(kResetConsole, now);
  link_ = std::make_unique<proxy::LinkEndpoint>(config_, now);
  session_.restart(*link_, new_boot_id(), now);
}

void Board::host_left() {
  session_.drop(*link_);
  if (port_.listen_fd() >= 0) {
    spdlog::info("client of {} left", port_.name());
    port_.drop_client();
    // Closing the descriptor took it out of the epoll set.
    watched_port_ = 0;
    watched_out_ = 0;
    inbound_.clear();
    outbound_.clear();
  } else {
    spdlog::info("end of input on {}", port_.name());
    stdin_ended_ = true;
  }
}

bool Board::pump_in(Clock::time_point now) {
  if (port_readable_ && inbound_.queued() < kMaxInbound) {
    const std::size_t room =
        std::min({inbound_.admissible(now), kReadChunk, kMaxInbound - inbound_.queued()});
    if (room > 0) {
      std::array<char, kReadChunk> buffer;
      const auto got = port_.read(std::span<char>(buffer.data(), room));
      if (!got) return false;
      if (*got == 0) port_readable_ = false;
      wire_bytes_ += *got;
      inbound_.push(std::string_view(buffer.data(), *got), now);
    }
  }
  while (true) {
    const std::string_view bytes = inbound_.ready(now);
    if (bytes.empty()) break;
    link_->receive(bytes, now);
    inbound_.consume(bytes.size());
  }
  return true;
}

bool Board::pump_out(Clock::time_point now) {
  const std::size_t room = outbound_.admissible(now);
  if (room > 0) {
    const std::string_view bytes = link_->output(now);
    const std::size_t take = std::min(room, bytes.size());
    if (take > 0) {
      outbound_.push(bytes.substr(0, take), now);
      link_->wrote(take, now);
    }
  }
  while (port_writable_) {
    const std::string_view bytes = outbound_.ready(now);
    if (bytes.empty()) break;
    const auto written = port_.write(bytes);
    if (!written) return false;
    if (*written == 0) {
      port_writable_ = false;
      break;
    }
    wire_bytes_ += *written;
    outbound_.consume(*written);
  }
  return true;
}

void Board::wait(Clock::time_point now) {
  const bool write_blocked = !port_writable_ && !outbound_.ready(now).empty();
  auto deadline =
      std::min({link_->next_timer(), session_.next_timer(*link_), sockets_.next_timer()});
  // A port that takes nothing now wakes us by its descriptor, not by the clock.
  if (!write_blocked) deadline = std::min(deadline, outbound_.next_change(now));
  if (inbound_.queued() > 0) deadline = std::min(deadline, inbound_.next_change(now));
  const bool may_read = port_.connected() && inbound_.queued() < kMaxInbound;
  if (may_read && port_readable_) {
    // More may be there: read again at once, or when the pacing lets us.
    deadline = std::min(deadline, inbound_.admissible(now) > 0 ? now : inbound_.next_change(now));
  }

  const int read_fd = port_.read_fd();
  const int write_fd = port_.write_fd();
  unsigned read_events = may_read && !port_readable_ ? usock::pollev::in : 0;
  unsigned write_events = write_blocked ? usock::pollev::out : 0;
  if (read_fd >= 0 && read_fd == write_fd) {
    read_events |= write_events;
    write_events = 0;
  }
  const auto update = [this](int fd, unsigned events, unsigned& watched, std::uint64_t token) {
    if (fd < 0 || events == watched) return;
    if (events == 0) {
      usock::unwatch_fd(poller_, fd);
    } else {
      usock::watch_fd(poller_, fd, events, token);
    }
    watched = events;
  };
  update(read_fd, read_events, watched_port_, kPortToken);
  if (write_fd != read_fd) update(write_fd, write_events, watched_out_, kPortWriteToken);

  const auto wait = deadline == Clock::time_point::max() ? usock::Wait::forever()
                    : deadline <= now                    ? usock::Wait::never()
                                                         : usock::Wait::until(deadline);
  std::vector<usock::PollEvent> events;
  poller_.backend().wait(wait, events, 64);
  for (const auto& event : events) {
    if (event.token == kPortToken) {
      if (event.events & (usock::pollev::in | usock::pollev::err | usock::pollev::hup)) {
        port_readable_ = true;
      }
      if (event.events & usock::pollev::out) port_writable_ = true;
    } else if (event.token == kPortWriteToken) {
      port_writable_ = true;
    } else if (event.token == kListenToken) {
      if (port_.accept_client()) {
        spdlog::info("client connected to {}", port_.name());
        // The descriptor is new: whatever the old one was watched for is gone.
        watched_port_ = 0;
        watched_out_ = 0;
        fresh_link(Clock::now());
      }
    } else if (event.token == kResolverToken) {
      resolver_ready_ = true;
    } else if (event.token <= 254) {
      sockets_.on_ready(static_cast<std::uint8_t>(event.token), event.events);
    }
  }
}

void Board::run(const std::atomic<bool>& stop) {
  usock::watch_fd(poller_, resolver_.wake_fd(), usock::pollev::in, kResolverToken);
  if (port_.listen_fd() >= 0) {
    usock::watch_fd(poller_, port_.listen_fd(), usock::pollev::in, kListenToken);
  }
  fresh_link(Clock::now());
  while (!stop.load() && !stdin_ended_) {
    const auto now = Clock::now();
    if (port_.connected() && !pump_in(now)) {
      host_left();
      continue;
    }
    proxy::LinkEndpoint::Event event;
    while (link_->next_event(event))
      session_.handle(*link_, event, now);
    if (resolver_ready_) {
      resolver_ready_ = false;
      for (const auto& answer : resolver_.answers())
        session_.answer(*link_, answer);
    }
    sockets_.service(*link_, now);
    if (now >= link_->next_timer()) link_->on_timer(now);
    if (now >= next_state_log_) {
      spdlog::trace("link: {}", link_->describe());
      next_state_log_ = now + std::chrono::seconds(1);
    }
    const bool line_idle = outbound_.queued() == 0 && link_->output(now).empty();
    session_.on_timer(*link_, now, line_idle && port_.connected());
    if (port_.connected() && !pump_out(now)) {
      host_left();
      continue;
    }
    const auto reset_after = cli_.emulation().reset_after;
    if (reset_after && !reset_done_ && wire_bytes_ >= *reset_after) reset_board(now);
    wait(now);
  }
}

}  // namespace uboard
