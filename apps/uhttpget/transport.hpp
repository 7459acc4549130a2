#pragma once
// One connection to the server: TCP to each resolved address in turn, TLS on
// top for https, every call held to the --connect-timeout and --max-time
// budgets. The request and the response only see bytes in and out.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "byte_source.hpp"
#include "deadline.hpp"
#include "usock/http/url.hpp"
#include "usock/stack.hpp"
#include "usock/tls.hpp"

namespace uhttpget {

struct ConnectSettings {
  usock::Family family = usock::Family::unspec;
  std::optional<double> connect_timeout;
  bool verify = true;
  std::optional<std::string> ca_file;
};

// Seconds from the start of the exchange, for the summary.
struct ConnectTimings {
  double connected = 0;
  double tls_done = 0;  // 0 for plain http
};

class Transport final : public ByteSource {
 public:
  // Failures carry the exit codes: 6 resolve, 7 connect, 28 time, 35/60 TLS.
  static Transport open(usock::Stack& stack, const usock::http::Url& url,
                        const ConnectSettings& settings, const Deadline& deadline,
                        ConnectTimings& timings);

  void send_all(std::string_view data);
  std::size_t receive(std::span<char> buffer) override;
  // EOF came over TLS without close_notify: the stream may have been cut.
  bool truncated() const override;
  // "TLSv1.3"; empty for plain http.
  std::string tls_version() const;
  // Ends TLS with close_notify; never throws.
  void close() noexcept;

 private:
  Transport(std::variant<usock::Socket, usock::TlsStream> stream, const Deadline& deadline);
  usock::Socket& socket();
  // Shortens the socket's timeout as the --max-time budget runs out, so the
  // transfer as a whole, not each call, is bounded.
  void hold_to_deadline();

  std::variant<usock::Socket, usock::TlsStream> stream_;
  const Deadline* deadline_;
};

}  // namespace uhttpget
