#pragma once
// What uhttpget asks for, and its bytes on the wire. One Request serves a
// whole run: a redirect changes the URL (and maybe the method), and render()
// writes the request for the URL at hand.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "usock/http/url.hpp"

namespace uhttpget {

struct Options;

class Request {
 public:
  // Reads the body (--data @FILE or @-) now, so a missing file fails before
  // any connection is made; a Failure with exit 26 if it cannot be read.
  explicit Request(const Options& options);

  const std::string& method() const noexcept { return method_; }
  // The request for `url`: the request line, the header fields and the body.
  std::string render(const usock::http::Url& url) const;

  // A 301/302/303 turns a POST (any method for 303, but HEAD) into a GET
  // without a body, as browsers and curl do; 307 and 308 repeat the request.
  void follow_redirect(int status);
  // Basic authentication as "user:password" (from --user or the URL).
  void use_credentials(std::string_view user_and_password);
  bool has_credentials() const noexcept { return authorization_.has_value(); }
  // Credentials are for the origin they were given to; a redirect elsewhere
  // drops them, so a hostile redirect cannot harvest them.
  void forget_credentials() { authorization_.reset(); }

 private:
  std::string method_;
  bool bare_http10_;
  std::vector<std::pair<std::string, std::string>> extra_headers_;
  std::optional<std::string> body_;
  std::optional<std::string> authorization_;
};

}  // namespace uhttpget
