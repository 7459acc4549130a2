#include "usock/proxy/message.hpp"

#include <string>
#include <type_traits>

#include "usock/proxy/wire.hpp"

namespace usock::proxy {
namespace {

constexpr std::uint8_t kLastHostSocket = 127;
constexpr std::uint8_t kFirstDeviceSocket = 128;
constexpr std::uint8_t kLastSocket = 254;
constexpr std::uint8_t kGivenHost = 0x01;
constexpr std::uint8_t kGivenPort = 0x02;
constexpr std::uint8_t kByeExit = 0x01;

void require(bool condition, const char* what) {
  if (!condition) throw MalformedMessage(what);
}

bool is_call(FrameType type) {
  const auto value = static_cast<std::uint8_t>(type);
  return value >= static_cast<std::uint8_t>(FrameType::getaddrinfo) &&
         value <= static_cast<std::uint8_t>(FrameType::poll);
}

// PROTOCOL.md 4.3: which sock ids a type may carry.
void check_sock(FrameType type, std::uint8_t sock) {
  switch (type) {
    case FrameType::socket:
      require(sock >= 1 && sock <= kLastHostSocket, "sock not 1-127");
      return;
    case FrameType::setsockopt:
    case FrameType::getsockopt:
    case FrameType::bind:
    case FrameType::listen:
    case FrameType::connect:
    case FrameType::shutdown:
    case FrameType::close:
    case FrameType::getsockname:
    case FrameType::getpeername:
    case FrameType::data:
    case FrameType::dgram:
    case FrameType::window:
    case FrameType::accepted:
    case FrameType::eof:
    case FrameType::sockerr:
      require(sock >= 1 && sock <= kLastSocket, "sock not 1-254");
      return;
    case FrameType::cancel:
    case FrameType::result:
      // The call's socket, or 0 for getaddrinfo, getnameinfo and poll.
      require(sock <= kLastSocket, "sock 255");
      return;
    default:
      require(sock == 0, "sock not 0");
  }
}

void check_header(const Header& header) {
  require(is_known(header.type), "unknown type");
  if (is_call(header.type) || header.type == FrameType::cancel ||
      header.type == FrameType::result) {
    require(header.req != 0, "req 0");
  } else {
    require(header.req == 0, "req not 0");
  }
  check_sock(header.type, header.sock);
  if (header.flags & (frame_flag::poll | frame_flag::final))
    require(header.type == FrameType::ack, "POLL or FINAL on a frame other than ACK");
  if (header.flags & frame_flag::wnd) {
    require(header.type == FrameType::data || header.type == FrameType::dgram,
            "WND on a frame other than DATA or DGRAM");
  }
  if (header.flags & frame_flag::more)
    require(is_sequenced(header.type), "MORE on an unsequenced frame");
}

void check_magic(WireReader& in) {
  require(in.bytes(kMagic.size(), "magic") == kMagic, "bad magic");
}

void check_versions(std::uint8_t vmin, std::uint8_t vmax) {
  require(vmin >= 1 && vmin <= vmax, "bad version range");
}

void check_windows(std::uint16_t rx_win, std::uint16_t mtu, std::uint8_t txw) {
  require(rx_win <= kMaxRxWindow, "rx_win above 16384");
  require(mtu >= kHandshakeMtu, "mtu below 256");
  require(txw >= 1 && txw <= kMaxTxWindow, "txw not 1-64");
}

std::string_view error_text(WireReader& in) {
  const std::string_view text = in.str8("text");
  require(text.size() <= kMaxErrorText, "text longer than 120 bytes");
  return text;
}

std::optional<std::uint32_t> limit_prefix(const Header& header, WireReader& in) {
  if (!(header.flags & frame_flag::wnd)) return std::nullopt;
  return in.u32("limit");
}

// Decoders, one per payload layout. Each reads what its type holds; the
// caller then requires the payload to be used up.

Message decode_hello(WireReader& in) {
  check_magic(in);
  Hello hello;
  hello.vmin = in.u8("vmin");
  hello.vmax = in.u8("vmax");
  check_versions(hello.vmin, hello.vmax);
  hello.nonce = in.u32("nonce");
  hello.rx_win = in.u16("rx_win");
  hello.mtu = in.u16("mtu");
  hello.txw = in.u8("txw");
  check_windows(hello.rx_win, hello.mtu, hello.txw);
  hello.sockwin = in.u32("sockwin");
  hello.acceptwin = in.u8("acceptwin");
  hello.flags = in.u16("flags");
  hello.name = in.str8("name");
  in.rest();  // fields a later version appended
  return hello;
}

Message decode_hello_ack(WireReader& in) {
  check_magic(in);
  HelloAck ack;
  ack.version = in.u8("version");
  ack.vmin = in.u8("vmin");
  ack.vmax = in.u8("vmax");
  check_versions(ack.vmin, ack.vmax);
  if (ack.version == 0) {
    // No common version: what follows may be laid out as a version we do
    // not know, and the host only needs the range to say so.
    in.rest();
    return ack;
  }
  require(ack.version >= ack.vmin && ack.version <= ack.vmax, "version outside vmin-vmax");
  ack.nonce = in.u32("nonce");
  ack.boot_id = in.u32("boot_id");
  ack.rx_win = in.u16("rx_win");
  ack.rx_safe = in.u16("rx_safe");
  ack.mtu = in.u16("mtu");
  ack.txw = in.u8("txw");
  check_windows(ack.rx_win, ack.mtu, ack.txw);
  require(ack.rx_safe <= kMaxRxWindow, "rx_safe above 16384");
  ack.max_sockets = in.u8("max_sockets");
  ack.sock_buf = in.u32("sock_buf");
  ack.max_msg = in.u16("max_msg");
  ack.max_block_ms = in.u16("max_block_ms");
  ack.caps = in.u32("caps");
  ack.baud = in.u32("baud");
  ack.mem_free = in.u32("mem_free");
  ack.mem_alloc = in.u32("mem_alloc");
  ack.platform = in.str8("platform");
  ack.impl = in.str8("impl");
  ack.machine = in.str8("machine");
  ack.agent = in.str8("agent");
  in.rest();
  return ack;
}

Message decode_announce(WireReader& in) {
  check_magic(in);
  Announce announce;
  announce.vmin = in.u8("vmin");
  announce.vmax = in.u8("vmax");
  check_versions(announce.vmin, announce.vmax);
  announce.boot_id = in.u32("boot_id");
  in.rest();
  return announce;
}

Message decode_nak(WireReader& in) {
  const std::uint8_t reason = in.u8("reason");
  require(reason >= 1 && reason <= 3, "unknown reason");
  Nak nak{static_cast<NakReason>(reason), std::nullopt};
  // The bitmap is all or nothing; any other tail is left over.
  if (in.left() == 8) {
    const std::uint64_t low = in.u32("held");
    nak.held = low | std::uint64_t{in.u32("held")} << 32;
  }
  return nak;
}

Message decode_reset(WireReader& in) {
  Reset reset;
  const std::uint8_t reason = in.u8("reason");
  require(reason >= 1 && reason <= 7, "unknown reason");
  reset.reason = static_cast<ResetReason>(reason);
  reset.boot_id = in.u32("boot_id");
  reset.detail = in.str8("detail");
  return reset;
}

Message decode_bye(WireReader& in) {
  const std::uint8_t flags = in.u8("flags");
  require((flags & ~kByeExit) == 0, "unknown flags");
  return Bye{(flags & kByeExit) != 0};
}

Message decode_log(WireReader& in) {
  Log log;
  const std::uint8_t level = in.u8("level");
  require(level >= 1 && level <= 4, "unknown level");
  log.level = static_cast<LogLevel>(level);
  log.text = in.rest();
  require(is_utf8(log.text), "text: not UTF-8");
  return log;
}

Message decode_getaddrinfo(WireReader& in) {
  GetAddrInfoCall call;
  const std::uint8_t given = in.u8("given");
  require((given & ~(kGivenHost | kGivenPort)) == 0, "unknown bits in given");
  call.family = in.u8("family");
  call.socktype = in.u8("type");
  call.proto = in.u8("proto");
  call.flags = in.u8("ai_flags");
  const std::uint16_t port = in.u16("port");
  const std::string_view host = in.str8("host");
  // An absent field is sent empty, so each call has one encoding.
  if (given & kGivenPort) {
    call.port = port;
  } else {
    require(port == 0, "port without its given bit");
  }
  if (given & kGivenHost) {
    call.host = host;
  } else {
    require(host.empty(), "host without its given bit");
  }
  return call;
}

Message decode_poll(WireReader& in) {
  PollCall call;
  const std::uint8_t count = in.u8("n");
  call.entries.reserve(count);
  for (std::uint8_t i = 0; i < count; ++i) {
    PollEntry entry;
    entry.sock = in.u8("sock");
    require(entry.sock >= 1 && entry.sock <= kLastSocket, "sock not 1-254");
    entry.events = in.u8("events");
    call.entries.push_back(entry);
  }
  return call;
}

Message decode_data(const Header& header, WireReader& in) {
  Data data;
  data.limit = limit_prefix(header, in);
  data.bytes = in.rest();
  require(!data.bytes.empty(), "no data");
  return data;
}

Message decode_dgram(const Header& header, WireReader& in) {
  Dgram dgram;
  dgram.limit = limit_prefix(header, in);
  dgram.addr = in.addr("addr");
  dgram.bytes = in.rest();
  return dgram;
}

Message decode_result(WireReader& in) {
  Result result;
  result.code = in.s16("code");
  if (result.code == 0) {
    result.body = in.rest();
  } else {
    result.native = in.s32("native");
    result.text = error_text(in);
  }
  return result;
}

Message decode_accepted(WireReader& in) {
  Accepted accepted;
  accepted.sock = in.u8("new_sock");
  require(accepted.sock >= kFirstDeviceSocket && accepted.sock <= kLastSocket,
          "new_sock not 128-254");
  accepted.peer = in.addr("peer");
  accepted.local = in.addr("local");
  return accepted;
}

Message decode_sockerr(WireReader& in) {
  SockErr error;
  error.code = in.s16("code");
  require(error.code > 0, "code not an errno");
  error.native = in.s32("native");
  error.text = error_text(in);
  return error;
}

Message decode_payload(const Header& header, WireReader& in) {
  switch (header.type) {
    case FrameType::hello:
      return decode_hello(in);
    case FrameType::hello_ack:
      return decode_hello_ack(in);
    case FrameType::announce:
      return decode_announce(in);
    case FrameType::ack:
      return Ack{};
    case FrameType::nak:
      return decode_nak(in);
    case FrameType::reset:
      return decode_reset(in);
    case FrameType::bye:
      return decode_bye(in);
    case FrameType::bye_ack:
      return ByeAck{};
    case FrameType::log:
      return decode_log(in);
    case FrameType::getaddrinfo:
      return decode_getaddrinfo(in);
    case FrameType::getnameinfo: {
      GetNameInfoCall call;
      call.flags = in.u8("ni_flags");
      call.addr = in.addr("addr");
      return call;
    }
    case FrameType::socket: {
      SocketCall call;
      call.family = in.u8("family");
      call.socktype = in.u8("type");
      call.proto = in.u8("proto");
      return call;
    }
    case FrameType::setsockopt: {
      SetSockOptCall call;
      call.level = in.u16("level");
      call.optname = in.u16("optname");
      call.value = in.bytes8("value");
      return call;
    }
    case FrameType::getsockopt: {
      GetSockOptCall call;
      call.level = in.u16("level");
      call.optname = in.u16("optname");
      call.size = in.u8("size");
      return call;
    }
    case FrameType::bind:
      return BindCall{in.addr("addr")};
    case FrameType::listen:
      return ListenCall{in.u16("backlog")};
    case FrameType::connect:
      return ConnectCall{in.addr("addr")};
    case FrameType::shutdown: {
      const std::uint8_t how = in.u8("how");
      require(how <= 2, "how not 0-2");
      return ShutdownCall{static_cast<ShutdownHow>(how)};
    }
    case FrameType::close:
      return CloseCall{};
    case FrameType::getsockname:
      return GetSockNameCall{};
    case FrameType::getpeername:
      return GetPeerNameCall{};
    case FrameType::poll:
      return decode_poll(in);
    case FrameType::cancel:
      return CancelCall{};
    case FrameType::data:
      return decode_data(header, in);
    case FrameType::dgram:
      return decode_dgram(header, in);
    case FrameType::window:
      return Window{in.u32("limit")};
    case FrameType::result:
      return decode_result(in);
    case FrameType::accepted:
      return decode_accepted(in);
    case FrameType::eof:
      return Eof{};
    case FrameType::sockerr:
      return decode_sockerr(in);
  }
  throw MalformedMessage("unknown type");
}

// Encoders, one per payload layout.

void encode(const Hello& hello, WireWriter& out) {
  out.rest(kMagic);
  out.u8(hello.vmin);
  out.u8(hello.vmax);
  out.u32(hello.nonce);
  out.u16(hello.rx_win);
  out.u16(hello.mtu);
  out.u8(hello.txw);
  out.u32(hello.sockwin);
  out.u8(hello.acceptwin);
  out.u16(hello.flags);
  out.str8(hello.name);
}

void encode(const HelloAck& ack, WireWriter& out) {
  out.rest(kMagic);
  out.u8(ack.version);
  out.u8(ack.vmin);
  out.u8(ack.vmax);
  out.u32(ack.nonce);
  out.u32(ack.boot_id);
  out.u16(ack.rx_win);
  out.u16(ack.rx_safe);
  out.u16(ack.mtu);
  out.u8(ack.txw);
  out.u8(ack.max_sockets);
  out.u32(ack.sock_buf);
  out.u16(ack.max_msg);
  out.u16(ack.max_block_ms);
  out.u32(ack.caps);
  out.u32(ack.baud);
  out.u32(ack.mem_free);
  out.u32(ack.mem_alloc);
  out.str8(ack.platform);
  out.str8(ack.impl);
  out.str8(ack.machine);
  out.str8(ack.agent);
}

void encode(const Announce& announce, WireWriter& out) {
  out.rest(kMagic);
  out.u8(announce.vmin);
  out.u8(announce.vmax);
  out.u32(announce.boot_id);
}

void encode(const Nak& nak, WireWriter& out) {
  out.u8(static_cast<std::uint8_t>(nak.reason));
  if (nak.held) {
    out.u32(static_cast<std::uint32_t>(*nak.held));
    out.u32(static_cast<std::uint32_t>(*nak.held >> 32));
  }
}

void encode(const Reset& reset, WireWriter& out) {
  out.u8(static_cast<std::uint8_t>(reset.reason));
  out.u32(reset.boot_id);
  out.str8(reset.detail);
}

void encode(const Bye& bye, WireWriter& out) {
  out.u8(bye.exit ? kByeExit : 0);
}

void encode(const Log& log, WireWriter& out) {
  out.u8(static_cast<std::uint8_t>(log.level));
  out.rest(log.text);
}

void encode(const GetAddrInfoCall& call, WireWriter& out) {
  out.u8(static_cast<std::uint8_t>((call.host ? kGivenHost : 0) | (call.port ? kGivenPort : 0)));
  out.u8(call.family);
  out.u8(call.socktype);
  out.u8(call.proto);
  out.u8(call.flags);
  out.u16(call.port.value_or(0));
  out.str8(call.host.value_or(std::string_view{}));
}

void encode(const GetNameInfoCall& call, WireWriter& out) {
  out.u8(call.flags);
  out.addr(call.addr);
}

void encode(const SocketCall& call, WireWriter& out) {
  out.u8(call.family);
  out.u8(call.socktype);
  out.u8(call.proto);
}

void encode(const SetSockOptCall& call, WireWriter& out) {
  out.u16(call.level);
  out.u16(call.optname);
  out.bytes8(call.value);
}

void encode(const GetSockOptCall& call, WireWriter& out) {
  out.u16(call.level);
  out.u16(call.optname);
  out.u8(call.size);
}

void encode(const BindCall& call, WireWriter& out) {
  out.addr(call.addr);
}

void encode(const ListenCall& call, WireWriter& out) {
  out.u16(call.backlog);
}

void encode(const ConnectCall& call, WireWriter& out) {
  out.addr(call.addr);
}

void encode(const ShutdownCall& call, WireWriter& out) {
  out.u8(static_cast<std::uint8_t>(call.how));
}

void encode_entries(const std::vector<PollEntry>& entries, WireWriter& out) {
  if (entries.size() > 255) throw std::length_error("more than 255 poll entries");
  out.u8(static_cast<std::uint8_t>(entries.size()));
  for (const auto& entry : entries) {
    out.u8(entry.sock);
    out.u8(entry.events);
  }
}

void encode(const PollCall& call, WireWriter& out) {
  encode_entries(call.entries, out);
}

void encode(const Data& data, WireWriter& out) {
  if (data.limit) out.u32(*data.limit);
  out.rest(data.bytes);
}

void encode(const Dgram& dgram, WireWriter& out) {
  if (dgram.limit) out.u32(*dgram.limit);
  out.addr(dgram.addr);
  out.rest(dgram.bytes);
}

void encode(const Window& window, WireWriter& out) {
  out.u32(window.limit);
}

void encode_error(std::int32_t native, std::string_view text, WireWriter& out) {
  if (text.size() > kMaxErrorText) throw std::length_error("error text longer than 120 bytes");
  out.s32(native);
  out.str8(text);
}

void encode(const Result& result, WireWriter& out) {
  out.s16(result.code);
  if (result.code == 0) {
    out.rest(result.body);
  } else {
    encode_error(result.native, result.text, out);
  }
}

void encode(const Accepted& accepted, WireWriter& out) {
  out.u8(accepted.sock);
  out.addr(accepted.peer);
  out.addr(accepted.local);
}

void encode(const SockErr& error, WireWriter& out) {
  out.s16(error.code);
  encode_error(error.native, error.text, out);
}

// Messages whose payload is empty.
template <typename Empty>
void encode(const Empty&, WireWriter&) {
  static_assert(std::is_empty_v<Empty>);
}

std::uint8_t flags_of(const Message& message) {
  if (const auto* data = std::get_if<Data>(&message)) return data->limit ? frame_flag::wnd : 0;
  if (const auto* dgram = std::get_if<Dgram>(&message)) return dgram->limit ? frame_flag::wnd : 0;
  return 0;
}

}  // namespace

FrameType message_type(const Message& message) {
  return std::visit([](const auto& typed) { return std::decay_t<decltype(typed)>::type; }, message);
}

std::uint8_t encode_payload(const Message& message, std::string& out) {
  WireWriter writer(out);
  std::visit([&writer](const auto& typed) { encode(typed, writer); }, message);
  return flags_of(message);
}

Message decode_message(const Header& header, std::string_view payload) {
  try {
    check_header(header);
    WireReader in(payload);
    Message message = decode_payload(header, in);
    if (!in.at_end()) {
      throw MalformedMessage(std::to_string(in.left()) + " bytes left over");
    }
    return message;
  } catch (const MalformedMessage& error) {
    throw MalformedMessage(frame_type_name(header.type) + ": " + error.what());
  }
}

void encode_result_body(const ResultBody& body, std::string& out) {
  WireWriter writer(out);
  std::visit(
      [&writer](const auto& typed) {
        using Body = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<Body, AddrInfoResult>) {
          if (typed.entries.size() > 255) throw std::length_error("more than 255 addresses");
          writer.u8(static_cast<std::uint8_t>(typed.entries.size()));
          for (const auto& entry : typed.entries) {
            writer.u8(entry.socktype);
            writer.u8(entry.proto);
            writer.str8(entry.canonname);
            writer.addr(entry.addr);
          }
        } else if constexpr (std::is_same_v<Body, NameInfoResult>) {
          writer.str8(typed.host);
          writer.str8(typed.service);
        } else if constexpr (std::is_same_v<Body, OptionResult>) {
          writer.bytes8(typed.value);
        } else if constexpr (std::is_same_v<Body, AddressResult>) {
          writer.addr(typed.addr);
        } else if constexpr (std::is_same_v<Body, PollResult>) {
          encode_entries(typed.entries, writer);
        }
      },
      body);
}

ResultBody decode_result_body(FrameType call, std::string_view body) {
  try {
    WireReader in(body);
    ResultBody result;
    switch (call) {
      case FrameType::getaddrinfo: {
        AddrInfoResult list;
        const std::uint8_t count = in.u8("n");
        list.entries.reserve(count);
        for (std::uint8_t i = 0; i < count; ++i) {
          AddrInfoEntry entry;
          entry.socktype = in.u8("type");
          entry.proto = in.u8("proto");
          entry.canonname = in.str8("canonname");
          entry.addr = in.addr("addr");
          list.entries.push_back(entry);
        }
        result = std::move(list);
        break;
      }
      case FrameType::getnameinfo: {
        NameInfoResult names;
        names.host = in.str8("host");
        names.service = in.str8("service");
        result = names;
        break;
      }
      case FrameType::getsockopt:
        result = OptionResult{in.bytes8("value")};
        break;
      case FrameType::bind:
      case FrameType::connect:
      case FrameType::getsockname:
      case FrameType::getpeername:
        result = AddressResult{in.addr("addr")};
        break;
      case FrameType::poll: {
        const Message entries = decode_poll(in);
        result = PollResult{std::get<PollCall>(entries).entries};
        break;
      }
      case FrameType::socket:
      case FrameType::setsockopt:
      case FrameType::listen:
      case FrameType::shutdown:
      case FrameType::close:
        break;
      default:
        throw MalformedMessage("no call of this type has a result");
    }
    if (!in.at_end()) throw MalformedMessage(std::to_string(in.left()) + " bytes left over");
    return result;
  } catch (const MalformedMessage& error) {
    throw MalformedMessage("RESULT of " + frame_type_name(call) + ": " + error.what());
  }
}

std::string_view cut_utf8(std::string_view text, std::size_t size) {
  if (text.size() <= size) return text;
  // Back off over continuation bytes to the start of the cut character.
  while (size > 0 && (static_cast<unsigned char>(text[size]) & 0xC0) == 0x80)
    --size;
  return text.substr(0, size);
}

}  // namespace usock::proxy
