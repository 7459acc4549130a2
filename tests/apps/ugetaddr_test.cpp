// ugetaddr as a user runs it: the built binary, its stdout, stderr and exit
// code, checked against what Python and getent print for the same look-up.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "process.hpp"

using usock::test::run;
using usock::test::RunOptions;
using usock::test::tool_path;
using usock::test::with_stdin;

namespace {

usock::test::RunResult ugetaddr(std::vector<std::string> args, const RunOptions& options = {}) {
  args.insert(args.begin(), tool_path("ugetaddr"));
  return run(args, options);
}

// What CPython prints for the same call, with its IntEnums shown as numbers
// as MicroPython shows them.
std::string python_getaddrinfo(const std::string& call) {
  const auto result = run({"python3", "-c",
                           "import socket\n"
                           "print([(int(f), int(t), p, c, a) for f, t, p, c, a in socket." +
                               call + "])"});
  REQUIRE(result.exit_code == 0);
  return result.out;
}

}  // namespace

TEST_CASE("default output is the tutorial's listing of one block per 5-tuple", "[ugetaddr]") {
  const auto result = ugetaddr({"127.0.0.1", "80"});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(result.out ==
        "Family: 2, Type: 1\n"
        "Protocol: 6, Canonical Name: \n"
        "IP: 127.0.0.1, Port: 80\n"
        "Family: 2, Type: 2\n"
        "Protocol: 17, Canonical Name: \n"
        "IP: 127.0.0.1, Port: 80\n"
        "Family: 2, Type: 3\n"
        "Protocol: 0, Canonical Name: \n"
        "IP: 127.0.0.1, Port: 80\n");
}

TEST_CASE("option --python prints exactly what Python prints", "[ugetaddr]") {
  SECTION("IPv4") {
    const auto result = ugetaddr({"--python", "127.0.0.1", "80"});
    CHECK(result.exit_code == 0);
    CHECK(result.out == python_getaddrinfo("getaddrinfo('127.0.0.1', 80)"));
  }
  SECTION("IPv6 addresses are 4-tuples") {
    const auto result = ugetaddr({"--python", "::1", "8080"});
    CHECK(result.exit_code == 0);
    CHECK(result.out == python_getaddrinfo("getaddrinfo('::1', 8080)"));
    CHECK(result.out.find("('::1', 8080, 0, 0)") != std::string::npos);
  }
  SECTION("a service name and filters") {
    const auto result = ugetaddr({"--python", "-4", "--type", "stream", "localhost", "http"});
    CHECK(result.exit_code == 0);
    CHECK(
        result.out ==
        python_getaddrinfo("getaddrinfo('localhost', 'http', socket.AF_INET, socket.SOCK_STREAM)"));
  }
  SECTION("the canonical name is asked for with AI_CANONNAME") {
    const auto result = ugetaddr({"--python", "-t", "stream", "-f", "AI_CANONNAME", "localhost"});
    CHECK(result.exit_code == 0);
    CHECK(result.out == python_getaddrinfo("getaddrinfo('localhost', None, 0, socket.SOCK_STREAM, "
                                           "0, socket.AI_CANONNAME)"));
    CHECK(result.out.find("'localhost'") != std::string::npos);
  }
}

TEST_CASE("filters select family and type and protocol", "[ugetaddr]") {
  CHECK(ugetaddr({"--python", "-p", "udp", "127.0.0.1", "53"}).out ==
        "[(2, 2, 17, '', ('127.0.0.1', 53))]\n");
  CHECK(ugetaddr({"--python", "--type", "SOCK_DGRAM", "127.0.0.1", "53"}).out ==
        "[(2, 2, 17, '', ('127.0.0.1', 53))]\n");
  CHECK(ugetaddr({"--python", "--type", "1", "--proto", "6", "127.0.0.1", "53"}).out ==
        "[(2, 1, 6, '', ('127.0.0.1', 53))]\n");
  const auto v6_only = ugetaddr({"-6", "127.0.0.1"});
  CHECK(v6_only.exit_code == 6);
  CHECK(v6_only.err.find("cannot resolve '127.0.0.1'") != std::string::npos);
}

TEST_CASE("option --json prints an array of objects with numbers and names", "[ugetaddr]") {
  const auto result = ugetaddr({"--json", "-t", "stream", "::1", "443"});
  REQUIRE(result.exit_code == 0);
  const auto parsed = run({"python3", "-c",
                           "import json, sys\n"
                           "[o] = json.load(sys.stdin)\n"
                           "print(o['family'], o['family_name'], o['type'], o['type_name'], "
                           "o['proto'], o['proto_name'], repr(o['canonname']), o['address'], "
                           "o['port'], o['flowinfo'], o['scope_id'])"},
                          with_stdin(result.out));
  CHECK(parsed.exit_code == 0);
  CHECK(parsed.out == "10 AF_INET6 1 SOCK_STREAM 6 IPPROTO_TCP '' ::1 443 0 0\n");
}

TEST_CASE("option --short prints each address once as getent does", "[ugetaddr]") {
  const auto result = ugetaddr({"--short", "localhost"});
  CHECK(result.exit_code == 0);
  // getent ahosts lists each address three times (one per socket type).
  const auto getent = run({"sh", "-c", "getent ahosts localhost | awk '!seen[$1]++ {print $1}'"});
  REQUIRE(getent.exit_code == 0);
  CHECK(result.out == getent.out);
}

TEST_CASE("option --reverse looks up the name of a numeric address", "[ugetaddr]") {
  CHECK(ugetaddr({"-r", "127.0.0.1"}).out == "Host: localhost, Service: 0\n");
  CHECK(ugetaddr({"-r", "--python", "127.0.0.1", "80"}).out == "('localhost', 'http')\n");
  CHECK(ugetaddr({"-r", "--short", "127.0.0.1", "http"}).out == "localhost\n");

  const auto name = ugetaddr({"-r", "localhost"});
  CHECK(name.exit_code == 2);
  CHECK(name.err == "ugetaddr: error: reverse look-up needs a numeric address, not 'localhost'\n");

  // TEST-NET-1 has no name in /etc/hosts, and no DNS answers here.
  const auto nameless = ugetaddr({"-r", "192.0.2.1"});
  CHECK(nameless.exit_code == 6);
  CHECK(nameless.err.rfind("ugetaddr: error: no name for '192.0.2.1' (", 0) == 0);
}

TEST_CASE("an unknown host is a clear error with exit 6", "[ugetaddr]") {
  const auto result = ugetaddr({"x.invalid"});
  CHECK(result.exit_code == 6);
  CHECK(result.out.empty());
  CHECK(result.err ==
        "ugetaddr: error: cannot resolve 'x.invalid' (Name or service not known, -2)\n");

  const auto service = ugetaddr({"localhost", "no-such-service"});
  CHECK(service.exit_code == 6);
  CHECK(service.err.rfind("ugetaddr: error: cannot resolve 'localhost' port 'no-such-service' (",
                          0) == 0);
}

TEST_CASE("bad arguments are usage errors with exit 2", "[ugetaddr]") {
  const std::vector<std::vector<std::string>> bad = {
      {"localhost", "70000"},    {"localhost", "-1"},         {"localhost", "80x"},
      {"-f", "AI_BOGUS", "x"},   {"--type", "stremm", "x"},   {"--proto", "sctpx", "x"},
      {"-4", "-6", "x"},         {"--json", "--python", "x"}, {},
      {"--no-such-option", "x"}, {"a", "1", "extra"},
  };
  for (const auto& args : bad) {
    INFO("arguments: " << Catch::Detail::stringify(args));
    const auto result = ugetaddr(args);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.rfind("ugetaddr: error: ", 0) == 0);
    CHECK(result.err.find("Run 'ugetaddr --help'") != std::string::npos);
  }
  CHECK(ugetaddr({"localhost", "70000"}).err.find("port '70000' is not a number from 0 to 65535") !=
        std::string::npos);
}

TEST_CASE("option --trace narrates the calls in MicroPython syntax on stderr", "[ugetaddr]") {
  const auto result = ugetaddr({"--trace", "--python", "-t", "stream", "127.0.0.1", "80"});
  CHECK(result.exit_code == 0);
  CHECK(result.out == "[(2, 1, 6, '', ('127.0.0.1', 80))]\n");
  CHECK(result.err ==
        ">>> socket.getaddrinfo('127.0.0.1', 80, 0, 1)\n"
        "[(2, 1, 6, '', ('127.0.0.1', 80))]\n");

  const auto failed = ugetaddr({"--trace", "x.invalid", "http"});
  CHECK(failed.err.rfind(">>> socket.getaddrinfo('x.invalid', 'http')\n"
                         "OSError: [Errno -2] Name or service not known\n",
                         0) == 0);
}

TEST_CASE("help and version and logging options", "[ugetaddr]") {
  const auto help = ugetaddr({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Usage: ugetaddr [OPTIONS] HOST [PORT]") != std::string::npos);

  const auto version = ugetaddr({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("ugetaddr (usock) ", 0) == 0);
  CHECK(version.out.find("\nCLI11 2.") != std::string::npos);
  CHECK(version.out.find("\nspdlog 1.") != std::string::npos);

  // -v logs on stderr, without colour when stderr is not a terminal.
  const auto verbose = ugetaddr({"-v", "127.0.0.1"});
  CHECK(verbose.exit_code == 0);
  CHECK(verbose.err.find("ugetaddr: info: resolving '127.0.0.1'") != std::string::npos);
  CHECK(verbose.err.find('\x1b') == std::string::npos);
  CHECK(ugetaddr({"-q", "127.0.0.1"}).err.empty());
}

TEST_CASE("log colour only on a terminal and never with NO_COLOR", "[ugetaddr]") {
  // script(1) gives the tool a real pseudo-terminal as stderr.
  const std::string command = "exec \"" + tool_path("ugetaddr") + "\" -v 127.0.0.1 >/dev/null";
  const auto on_tty = run({"script", "-qec", command, "/dev/null"});
  CHECK(on_tty.exit_code == 0);
  CHECK(on_tty.out.find("\x1b[") != std::string::npos);

  RunOptions no_color;
  no_color.env["NO_COLOR"] = "1";
  const auto plain = run({"script", "-qec", command, "/dev/null"}, no_color);
  CHECK(plain.exit_code == 0);
  CHECK(plain.out.find("info: resolving") != std::string::npos);
  CHECK(plain.out.find('\x1b') == std::string::npos);
}

TEST_CASE("an output that cannot be written is exit 23 and not silence", "[ugetaddr]") {
  const auto result = run({"sh", "-c", "exec \"$0\" 127.0.0.1 > /dev/full", tool_path("ugetaddr")});
  CHECK(result.exit_code == 23);
  CHECK(result.err ==
        "ugetaddr: error: cannot write to standard output (No space left on device)\n");
}

TEST_CASE("names from a private hosts file resolve in resolver order", "[ugetaddr][root]") {
  // A mount namespace of our own gives this test its own /etc/hosts, so the
  // real resolver path is exercised on names no outside host knows.
  char dir_template[] = "/tmp/ugetaddr-hosts-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string hosts = std::string(dir_template) + "/hosts";
  std::ofstream(hosts) << "127.0.0.1 localhost\n"
                          "192.0.2.10 multi.test multi\n"
                          "192.0.2.11 multi.test\n"
                          "2001:db8::10 multi.test\n";
  const auto result = run({"unshare", "--mount", "--propagation", "private", "sh", "-c",
                           "mount --bind \"$1\" /etc/hosts && exec \"$0\" --short multi.test",
                           tool_path("ugetaddr"), hosts});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "192.0.2.10\n192.0.2.11\n2001:db8::10\n");
  std::remove(hosts.c_str());
  ::rmdir(dir_template);
}
