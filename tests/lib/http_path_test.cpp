// What a server may look up for a request target, and the Range and date
// fields it answers: hostile targets first.
#include <catch2/catch.hpp>
#include <string>

#include "usock/http/date.hpp"
#include "usock/http/path.hpp"
#include "usock/http/range.hpp"

using usock::http::ByteRange;
using usock::http::parse_byte_range;
using usock::http::target_path;

namespace {

std::string served(const std::string& target) {
  const auto path = target_path(target);
  INFO(target << ": " << path.error);
  CHECK(path.reply_status == 0);
  return path.relative;
}

int refused(const std::string& target) {
  const auto path = target_path(target);
  INFO(target);
  CHECK(path.relative.empty());
  CHECK_FALSE(path.error.empty());
  return path.reply_status;
}

}  // namespace

TEST_CASE("targets become relative paths under the root", "[http][path]") {
  CHECK(served("/") == "");
  CHECK(served("/index.html") == "index.html");
  CHECK(served("/a/b/c.txt?x=1#frag") == "a/b/c.txt");
  CHECK(served("//a///b") == "a/b");
  CHECK(served("/a/./b/../c") == "a/c");
  CHECK(served("/a%20b/%C3%A9.txt") == "a b/\xC3\xA9.txt");
  CHECK(served("/a/%2e%2E/b") == "b");
  CHECK(served("/.hidden/..%2e") == ".hidden/...");
  CHECK(served("http://example.com/a/b") == "a/b");
  CHECK(served("HTTPS://example.com") == "");
  CHECK(served("/%3f") == "?");
}

TEST_CASE("directory targets are told apart from files", "[http][path]") {
  CHECK(target_path("/").directory);
  CHECK(target_path("/docs/").directory);
  CHECK(target_path("/docs/.").directory);
  CHECK(target_path("/docs/a/..").directory);
  CHECK_FALSE(target_path("/docs").directory);
  CHECK_FALSE(target_path("/docs?x/").directory);
}

TEST_CASE("targets that leave the root or hide separators are refused", "[http][path]") {
  CHECK(refused("/..") == 403);
  CHECK(refused("/../etc/passwd") == 403);
  CHECK(refused("/a/../../etc/passwd") == 403);
  CHECK(refused("/%2e%2e/etc/passwd") == 403);
  CHECK(refused("/%2E%2e/%2e%2e/etc/passwd") == 403);
  CHECK(refused("/..%2fetc%2fpasswd") == 404);
  CHECK(refused("/a%2f..%2f..%2fb") == 404);
  CHECK(refused("/..%5c..%5cwindows") == 404);
  CHECK(refused("/a\\b") == 404);
  CHECK(refused("/a%00.txt") == 400);
  CHECK(refused("/bad%zz") == 400);
  CHECK(refused("/bad%2") == 400);
  CHECK(refused("relative/path") == 400);
  CHECK(refused("*") == 400);
  CHECK(refused("") == 400);
  CHECK(refused("ftp://host/a") == 400);
}

TEST_CASE("one byte range is honoured and the rest ignored", "[http][range]") {
  const auto range = [](const std::string& value, std::uint64_t size) {
    return parse_byte_range(value, size);
  };
  auto r = range("bytes=0-9", 100);
  CHECK(r.kind == ByteRange::Kind::satisfiable);
  CHECK((r.first == 0 && r.last == 9));
  r = range("bytes=90-", 100);
  CHECK((r.first == 90 && r.last == 99));
  r = range("bytes=50-1000", 100);
  CHECK((r.first == 50 && r.last == 99));
  r = range("bytes=-10", 100);
  CHECK((r.first == 90 && r.last == 99));
  r = range("bytes=-1000", 100);
  CHECK((r.kind == ByteRange::Kind::satisfiable && r.first == 0 && r.last == 99));
  r = range(" Bytes = 1-2 ", 100);
  CHECK((r.first == 1 && r.last == 2));
  CHECK(range("bytes=100-", 100).kind == ByteRange::Kind::unsatisfiable);
  CHECK(range("bytes=-0", 100).kind == ByteRange::Kind::unsatisfiable);
  CHECK(range("bytes=0-", 0).kind == ByteRange::Kind::unsatisfiable);
  for (const char* ignored : {"bytes=5-1", "bytes=0-1,5-6", "items=0-1", "bytes=a-b", "bytes=-",
                              "bytes=+1-2", "bytes=99999999999999999999-", "bytes 0-1", ""}) {
    INFO(ignored);
    CHECK(range(ignored, 100).kind == ByteRange::Kind::ignore);
  }
}

TEST_CASE("HTTP dates in all three forms", "[http][date]") {
  CHECK(usock::http::format_http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(usock::http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
  CHECK(usock::http::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == 784111777);
  CHECK(usock::http::parse_http_date("Sun Nov  6 08:49:37 1994") == 784111777);
  CHECK_FALSE(usock::http::parse_http_date("yesterday"));
  CHECK_FALSE(usock::http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT trailing"));
  CHECK_FALSE(usock::http::parse_http_date(""));
}
