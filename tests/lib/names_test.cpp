// Parsers of the names users type for socket-module numbers.
#include "usock/names.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace usock;
using Names = std::vector<std::string>;

TEST_CASE("parse_socktype takes short names, C names and numbers") {
  CHECK(parse_socktype("stream") == SockType::stream);
  CHECK(parse_socktype("dgram") == SockType::dgram);
  CHECK(parse_socktype("raw") == SockType::raw);
  CHECK(parse_socktype("SOCK_STREAM") == SockType::stream);
  CHECK(parse_socktype("Sock_Dgram") == SockType::dgram);
  CHECK(parse_socktype("1") == SockType::stream);
  CHECK(parse_socktype("0x2") == SockType::dgram);
  CHECK(parse_socktype("0") == SockType::any);
  CHECK(parse_socktype("255") == static_cast<SockType>(255));
}

TEST_CASE("parse_socktype refuses what it does not know") {
  for (const char* text :
       {"", "256", "-1", "-0", "0x-0", "+1", " 1", "1 ", "0x", "tcp", "sock_", "streams", "SOCK"}) {
    INFO(text);
    CHECK_FALSE(parse_socktype(text));
  }
}

TEST_CASE("parse_proto takes names and numbers 0-255") {
  CHECK(parse_proto("tcp") == proto::tcp);
  CHECK(parse_proto("UDP") == proto::udp);
  CHECK(parse_proto("IPPROTO_TCP") == proto::tcp);
  CHECK(parse_proto("ipproto_udp") == proto::udp);
  CHECK(parse_proto("0") == 0);
  CHECK(parse_proto("132") == 132);
  CHECK(parse_proto("0xff") == 255);
  for (const char* text : {"", "256", "-6", "-0", "stream", "ipproto_", "tcp6", "6 "}) {
    INFO(text);
    CHECK_FALSE(parse_proto(text));
  }
}

TEST_CASE("parse_ai_flags ORs names and numbers joined by , or |") {
  CHECK(parse_ai_flags("AI_PASSIVE") == ai::passive);
  CHECK(parse_ai_flags("passive") == ai::passive);
  CHECK(parse_ai_flags("ai_canonname") == ai::canonname);
  CHECK(parse_ai_flags("AI_PASSIVE|canonname") == (ai::passive | ai::canonname));
  CHECK(parse_ai_flags("numerichost,numericserv") == (ai::numerichost | ai::numericserv));
  CHECK(parse_ai_flags("v4mapped|all,addrconfig") == (ai::v4mapped | ai::all | ai::addrconfig));
  CHECK(parse_ai_flags("passive,0x40") == (ai::passive | ai::addrconfig));
  CHECK(parse_ai_flags("0") == 0);
  CHECK(parse_ai_flags("127") == 0x7f);
  CHECK(parse_ai_flags("passive|passive") == ai::passive);
}

TEST_CASE("parse_ai_flags refuses unknown names, bits and empty items") {
  for (const char* text : {"", "bogus", "passive,", "|passive", "passive||all", "0x80", "128", "-1",
                           "AI_", "ai_0x1"}) {
    INFO(text);
    CHECK_FALSE(parse_ai_flags(text));
  }
}

TEST_CASE("ai_flag_names lists the set bits, unknown ones in hex") {
  CHECK(ai_flag_names(0) == Names{});
  CHECK(ai_flag_names(ai::passive) == Names{"AI_PASSIVE"});
  CHECK(ai_flag_names(ai::passive | ai::canonname) == Names{"AI_PASSIVE", "AI_CANONNAME"});
  CHECK(ai_flag_names(0x7f) == Names{"AI_PASSIVE", "AI_CANONNAME", "AI_NUMERICHOST",
                                     "AI_NUMERICSERV", "AI_V4MAPPED", "AI_ALL", "AI_ADDRCONFIG"});
  CHECK(ai_flag_names(0x100) == Names{"0x100"});
  CHECK(ai_flag_names(ai::all | 0x480) == Names{"AI_ALL", "0x480"});
}

TEST_CASE("ai_flag_names reads back through parse_ai_flags") {
  for (int flags = 1; flags <= 0x7f; ++flags) {
    std::string joined;
    for (const auto& name : ai_flag_names(flags))
      joined += (joined.empty() ? "" : "|") + name;
    CHECK(parse_ai_flags(joined) == flags);
  }
}
