// HTTP/1.x heads and body framing, as a client and a server meet them: from
// well-formed messages to the malformed, the oversized and the ambiguous.
#include <catch2/catch.hpp>
#include <string>

#include "usock/http/body.hpp"
#include "usock/http/head.hpp"

using namespace usock::http;
using Status = ParseResult::Status;

TEST_CASE("a response head parses with its fields, in pieces of any size") {
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length:  12 \r\n\r\nHello, world";
  ResponseHead response;
  for (std::size_t cut = 0; cut < head.size() - 12 - 1; ++cut) {
    INFO("first " << cut << " bytes");
    CHECK(parse_response_head(std::string_view(head).substr(0, cut), response).status ==
          Status::incomplete);
  }
  const auto result = parse_response_head(head, response);
  REQUIRE(result.status == Status::complete);
  CHECK(result.consumed == head.size() - 12);
  CHECK(response.minor_version == 1);
  CHECK(response.status == 200);
  CHECK(response.reason == "OK");
  REQUIRE(response.headers.size() == 2);
  CHECK(*find_header(response.headers, "content-length") == "12");
  CHECK(find_header(response.headers, "Server") == nullptr);
}

TEST_CASE("status lines as servers really send them") {
  ResponseHead response;
  CHECK(parse_response_head("HTTP/1.0 200 OK\n\n", response).status == Status::complete);
  CHECK(response.minor_version == 0);
  CHECK(parse_response_head("HTTP/1.1 204\r\n\r\n", response).status == Status::complete);
  CHECK(response.status == 204);
  CHECK(response.reason.empty());
  CHECK(parse_response_head("HTTP/1.1 404 Not Found Here\r\n\r\n", response).status ==
        Status::complete);
  CHECK(response.reason == "Not Found Here");
}

TEST_CASE("malformed response heads are invalid, with a reason") {
  const char* bad[] = {
      "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.1 20 OK\r\n\r\n",
      "HTTP/1.1 2000 OK\r\n\r\n",
      "HTTP/1.1 abc OK\r\n\r\n",
      "ICY 200 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nNo colon\r\n\r\n",
      "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n",
      "\r\n\r\n",
      "HTTP/1.1 099 Low\r\n\r\n",
  };
  for (const char* text : bad) {
    INFO(text);
    ResponseHead response;
    const auto result = parse_response_head(text, response);
    CHECK(result.status == Status::invalid);
    CHECK_FALSE(result.error.empty());
  }
}

TEST_CASE("request heads, and what a server answers to bad ones") {
  RequestHead request;
  auto result = parse_request_head("\r\nGET /index.html?q=1 HTTP/1.1\r\nHost: x\r\n\r\n", request);
  REQUIRE(result.status == Status::complete);
  CHECK(request.method == "GET");
  CHECK(request.target == "/index.html?q=1");
  CHECK(request.minor_version == 1);

  CHECK(parse_request_head("GET / HTTP/1.1\r\nHost: a\r\n\r\n", request).reply_status == 0);
  CHECK(parse_request_head("GET /\r\n\r\n", request).reply_status == 400);
  CHECK(parse_request_head("GET  / HTTP/1.1\r\n\r\n", request).reply_status == 400);
  CHECK(parse_request_head("G(T / HTTP/1.1\r\n\r\n", request).reply_status == 400);
  CHECK(parse_request_head("GET / HTTP/3.0\r\n\r\n", request).reply_status == 505);
  CHECK(parse_request_head("GET /\x01 HTTP/1.1\r\n\r\n", request).reply_status == 400);
  CHECK(parse_request_head("GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", request).reply_status == 400);
}

TEST_CASE("limits end a head that will not end") {
  Limits limits;
  limits.max_line = 64;
  limits.max_head = 256;
  limits.max_headers = 3;
  RequestHead request;
  const std::string long_target = "GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n";
  CHECK(parse_request_head(long_target, request, limits).reply_status == 414);
  // Too long even before its line ends: no need to wait for more.
  CHECK(parse_request_head(std::string(65, 'G'), request, limits).reply_status == 414);
  const std::string long_field = "GET / HTTP/1.1\r\nX: " + std::string(80, 'v') + "\r\n\r\n";
  CHECK(parse_request_head(long_field, request, limits).reply_status == 431);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 5; ++i)
    many += "X-" + std::to_string(i) + ": v\r\n";
  CHECK(parse_request_head(many + "\r\n", request, limits).reply_status == 431);
  std::string endless = "GET / HTTP/1.1\r\n";
  while (endless.size() < 300)
    endless += "A: b\r\n";
  CHECK(parse_request_head(endless, request, limits).status == Status::invalid);
}

TEST_CASE("response framing follows RFC 9112 section 6.3") {
  std::string error;
  ResponseHead head;
  head.status = 200;
  CHECK(response_framing(head, "GET", error)->kind == Framing::Kind::until_close);
  CHECK(response_framing(head, "HEAD", error)->kind == Framing::Kind::none);
  head.headers = {{"Content-Length", "42"}};
  CHECK(response_framing(head, "GET", error)->length == 42);
  head.headers = {{"Content-Length", "42, 42"}, {"content-length", "42"}};
  CHECK(response_framing(head, "GET", error)->length == 42);
  head.headers = {{"Content-Length", "42"}, {"Content-Length", "43"}};
  CHECK_FALSE(response_framing(head, "GET", error));
  head.headers = {{"Content-Length", "-1"}};
  CHECK_FALSE(response_framing(head, "GET", error));
  head.headers = {{"Transfer-Encoding", "gzip, chunked"}, {"Content-Length", "5"}};
  CHECK(response_framing(head, "GET", error)->kind == Framing::Kind::chunked);
  head.headers = {{"Transfer-Encoding", "gzip"}};
  CHECK(response_framing(head, "GET", error)->kind == Framing::Kind::until_close);
  for (int status : {100, 204, 304}) {
    head.status = status;
    CHECK(response_framing(head, "GET", error)->kind == Framing::Kind::none);
  }
}

TEST_CASE("request framing refuses what could smuggle a second request") {
  std::string error;
  RequestHead head;
  CHECK(request_framing(head, error)->kind == Framing::Kind::none);
  head.headers = {{"Content-Length", "3"}};
  CHECK(request_framing(head, error)->length == 3);
  head.headers = {{"Transfer-Encoding", "chunked"}};
  CHECK(request_framing(head, error)->kind == Framing::Kind::chunked);
  head.headers = {{"Transfer-Encoding", "chunked"}, {"Content-Length", "3"}};
  CHECK_FALSE(request_framing(head, error));
  CHECK(error == "both Transfer-Encoding and Content-Length");
  head.headers = {{"Transfer-Encoding", "chunked, gzip"}};
  CHECK_FALSE(request_framing(head, error));
}

namespace {

// Feeds `wire` in pieces of `step` bytes; returns the status, body and the
// bytes left over after the message.
std::tuple<ChunkedDecoder::Status, std::string, std::string> decode(const std::string& wire,
                                                                    std::size_t step) {
  ChunkedDecoder decoder;
  std::string body;
  std::size_t at = 0;
  auto status = ChunkedDecoder::Status::more;
  while (at < wire.size() && status == ChunkedDecoder::Status::more) {
    std::size_t used = 0;
    status = decoder.feed(std::string_view(wire).substr(at, step), used, body);
    at += used;
  }
  return {status, body, wire.substr(at)};
}

}  // namespace

TEST_CASE("chunked bodies decode the same whatever the pieces") {
  const std::string wire = "5\r\nHello\r\n7;name=value\r\n, world\r\n0\r\nTrailer: yes\r\n\r\nNEXT";
  for (std::size_t step : {1u, 2u, 3u, 7u, 1000u}) {
    INFO("step " << step);
    const auto [status, body, rest] = decode(wire, step);
    CHECK(status == ChunkedDecoder::Status::done);
    CHECK(body == "Hello, world");
    CHECK(rest == "NEXT");
  }
  CHECK(std::get<1>(decode("a\nabcdefghij\n0\n\n", 4)) == "abcdefghij");
}

TEST_CASE("malformed chunked bodies are invalid, never a short body") {
  const char* bad[] = {
      "x\r\n",                 // not a size
      "5\r\nHelloX\r\n",       // data longer than announced
      "1000000000000000\r\n",  // 16 hex digits: too large
      "5 junk\r\nHello\r\n0\r\n\r\n",
  };
  for (const char* wire : bad) {
    INFO(wire);
    CHECK(std::get<0>(decode(wire, 3)) == ChunkedDecoder::Status::invalid);
  }
  CHECK(std::get<0>(decode("5\r\nHel", 3)) == ChunkedDecoder::Status::more);
  CHECK(std::get<0>(decode(std::string(5000, '1'), 100)) == ChunkedDecoder::Status::invalid);
}
