// URLs as users type them into uhttpget, and Locations as servers send them.
#include "usock/http/url.hpp"

#include <catch2/catch.hpp>
#include <string>

using usock::http::parse_url;
using usock::http::resolve_reference;
using usock::http::Url;

namespace {

Url parsed(const std::string& text) {
  std::string error;
  const auto url = parse_url(text, error);
  INFO(text << ": " << error);
  REQUIRE(url);
  return *url;
}

std::string rejected(const std::string& text) {
  std::string error;
  INFO(text);
  CHECK_FALSE(parse_url(text, error));
  CHECK_FALSE(error.empty());
  return error;
}

}  // namespace

TEST_CASE("http and https URLs give host and port and request target") {
  const Url plain = parsed("http://example.com");
  CHECK(plain.scheme == "http");
  CHECK(plain.host == "example.com");
  CHECK(plain.port == 80);
  CHECK_FALSE(plain.explicit_port);
  CHECK(plain.target == "/");
  CHECK(plain.authority() == "example.com");

  const Url full = parsed("HTTPS://User:p%40ss@Example.COM:8443/a/b?x=1&y=2#frag");
  CHECK(full.scheme == "https");
  CHECK(full.user == "User");
  CHECK(full.password == "p@ss");
  CHECK(full.host == "example.com");
  CHECK(full.port == 8443);
  CHECK(full.target == "/a/b?x=1&y=2");
  CHECK(full.authority() == "example.com:8443");
  CHECK(full.text() == "https://example.com:8443/a/b?x=1&y=2");

  CHECK(parsed("http://h?q").target == "/?q");
  CHECK(parsed("https://h:443/").authority() == "h");
}

TEST_CASE("IPv4 and bracketed IPv6 literals") {
  CHECK(parsed("http://127.0.0.1:8080/").host == "127.0.0.1");
  const Url v6 = parsed("http://[::1]:8080/x");
  CHECK(v6.host == "::1");
  CHECK(v6.is_ipv6_literal());
  CHECK(v6.port == 8080);
  CHECK(v6.authority() == "[::1]:8080");
  const Url zoned = parsed("http://[fe80::1%25eth0]/");
  CHECK(zoned.host == "fe80::1%eth0");
  CHECK(zoned.authority() == "[fe80::1%25eth0]");
}

TEST_CASE("path and query are escaped only where they must be") {
  CHECK(parsed("http://h/a b").target == "/a%20b");
  CHECK(parsed("http://h/%41%zz").target == "/%41%25zz");
  CHECK(parsed("http://h/caf\xc3\xa9").target == "/caf%C3%A9");
  CHECK(parsed("http://h/a{b}").target == "/a%7Bb%7D");
}

TEST_CASE("an empty port is the scheme's default as RFC 3986 allows") {
  const auto url = parsed("https://h:/x");
  CHECK(url.port == 443);
  CHECK_FALSE(url.explicit_port);
  CHECK(url.text() == "https://h/x");
}

TEST_CASE("malformed URLs are refused with a reason") {
  CHECK(rejected("example.com") == "no scheme (expected http:// or https://)");
  CHECK(rejected("ftp://example.com/") == "unsupported scheme 'ftp'");
  CHECK(rejected("http:///path") == "no host");
  CHECK(rejected("http://h:0/") == "port '0' is not a number from 1 to 65535");
  CHECK(rejected("http://h:65536/") == "port '65536' is not a number from 1 to 65535");
  CHECK(rejected("http://h:8x/") == "port '8x' is not a number from 1 to 65535");
  rejected("http://[::1/");
  rejected("http://[::g]/");
  rejected("http://[::1]x/");
  rejected("http://::1/");
  rejected("http://[::%dd]/");
  rejected("http://[::1%25]/");
  rejected("http://[::1%25a b]/");
  rejected("http://a..b/");
  rejected("http://a b/");
  rejected("http://h/\r\nX-Injected: 1");
  rejected("http://h/\x7f");
}

TEST_CASE("Locations resolve against the URL they came from") {
  const Url base = parsed("http://h:8080/a/b/c?q=1");
  std::string error;
  const auto resolve = [&](const std::string& reference) {
    const auto url = resolve_reference(base, reference, error);
    INFO(reference << ": " << error);
    REQUIRE(url);
    return url->text();
  };
  CHECK(resolve("https://other/x") == "https://other/x");
  CHECK(resolve("//other:81/y") == "http://other:81/y");
  CHECK(resolve("/root") == "http://h:8080/root");
  CHECK(resolve("d") == "http://h:8080/a/b/d");
  CHECK(resolve("../d?z") == "http://h:8080/a/d?z");
  CHECK(resolve("./") == "http://h:8080/a/b/");
  CHECK(resolve("../../../../x") == "http://h:8080/x");
  CHECK(resolve("?only") == "http://h:8080/a/b/c?only");
  CHECK(resolve("#frag") == "http://h:8080/a/b/c");
  CHECK_FALSE(resolve_reference(base, "ftp://x/", error));
}
