// uecho against real peers on loopback: the seed's Python pair, socat, nc,
// ncat, many concurrent clients, UDP datagrams of every size, and peers that
// misbehave. Servers are started per test and stopped by their own PID.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "background.hpp"
#include "process.hpp"

using usock::test::Background;
using usock::test::free_tcp_port;
using usock::test::run;
using usock::test::RunOptions;
using usock::test::tool_path;
using usock::test::with_stdin;

namespace {

const std::string kListening = R"(^uecho: listening on \('[^']*', (\d+))";

std::string peer_script(const std::string& name) {
  return std::string(USOCK_TEST_PEERS) + "/" + name;
}

// A uecho server on an ephemeral port; `port` is the one it reported.
struct Server {
  explicit Server(std::vector<std::string> args)
      : process([&] {
          args.insert(args.begin(), {tool_path("uecho"), "server", "--port", "0"});
          return args;
        }()),
        port(process.wait_for_stderr(kListening)) {}
  Background process;
  std::string port;
};

usock::test::RunResult client(const std::string& port, std::vector<std::string> args = {},
                              const RunOptions& options = {}) {
  args.insert(args.begin(), {tool_path("uecho"), "client", "--port", port});
  return run(args, options);
}

}  // namespace

TEST_CASE("the seed's client.py talks to uecho server as to server.py", "[uecho]") {
  Server server({"--once"});
  const auto result = run({"python3", peer_script("seed_client.py"), server.port});
  CHECK(result.exit_code == 0);
  CHECK(result.out == "Received b'Hello, world'\n");
  // --once: the documented server serves one client and ends.
  CHECK(server.process.wait() == 0);
  CHECK(server.process.out().rfind("Connected by ('127.0.0.1', ", 0) == 0);
}

TEST_CASE("uecho client talks to the seed's server.py", "[uecho]") {
  const std::string port = std::to_string(free_tcp_port());
  Background server({"python3", peer_script("seed_server.py"), port});
  server.wait_for_stderr("listening");
  const auto result = client(port);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "Received b'Hello, world'\n");
  CHECK(server.wait() == 0);
  CHECK(server.out().rfind("Connected by ('127.0.0.1', ", 0) == 0);
}

TEST_CASE("messages print as Python's repr of bytes", "[uecho]") {
  Server server({});
  CHECK(client(server.port, {"-m", "it's"}).out == "Received b\"it's\"\n");
  CHECK(client(server.port, {"-m", "tab\there"}).out == "Received b'tab\\there'\n");
  CHECK(client(server.port, {"-m", "caf\xc3\xa9"}).out == "Received b'caf\\xc3\\xa9'\n");
}

TEST_CASE("socat and nc get their bytes back", "[uecho]") {
  Server server({});
  const std::string text = "line one\nline two\n";
  const auto socat =
      run({"socat", "-t", "5", "-", "TCP:127.0.0.1:" + server.port}, with_stdin(text));
  CHECK(socat.exit_code == 0);
  CHECK(socat.out == text);
  const auto nc = run({"nc", "-N", "-w", "5", "127.0.0.1", server.port}, with_stdin(text));
  CHECK(nc.exit_code == 0);
  CHECK(nc.out == text);
}

TEST_CASE("bulk mode verifies every byte through socat and ncat echo servers", "[uecho]") {
  const std::string port = std::to_string(free_tcp_port());
  SECTION("socat PIPE") {
    Background peer({"socat", "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork", "PIPE"});
    // socat prints nothing when ready: the client retries until it is.
    usock::test::RunResult result;
    for (int attempt = 0; attempt < 50; ++attempt) {
      result = client(port, {"--bytes", "8M", "--json"});
      if (result.exit_code != 7) break;
      usleep(100000);
    }
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("\"bytes\": 8388608") != std::string::npos);
    CHECK(result.out.find("\"verified\": true") != std::string::npos);
  }
  SECTION("ncat --exec /bin/cat") {
    // ncat relays to cat in one thread and deadlocks once both pipes fill
    // (64 KiB each way): --window keeps less than that in flight.
    Background peer({"ncat", "-l", "-k", "127.0.0.1", port, "--exec", "/bin/cat"});
    usock::test::RunResult result;
    for (int attempt = 0; attempt < 50; ++attempt) {
      result = client(port, {"--bytes", "4M", "--window", "32K"});
      if (result.exit_code != 7) break;
      usleep(100000);
    }
    CHECK(result.exit_code == 0);
    CHECK(result.out.rfind("4194304 bytes (4.0 MiB) echoed in ", 0) == 0);
  }
}

// Native only: a board holds a few sockets (uboard 64, an ESP32 8), not 200.
TEST_CASE("200 concurrent clients each echo 1 MiB with every byte verified", "[uecho][native]") {
  Server server({"--workers", "2"});
  const auto result =
      run({"python3", peer_script("echo_many.py"), "127.0.0.1", server.port, "200", "1048576"});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "ok 200\n");
  CHECK(server.process.stop() == 0);
}

// Datagrams up to 65507 bytes: more than an ESP32-class board takes (the
// agent's max_msg is 1500, PROTOCOL.md 7.2), so not through the agent.
TEST_CASE("UDP echoes datagrams of every size and the client prints them",
          "[uecho][board-limits]") {
  Server server({"--udp"});
  const auto sizes = run({"python3", peer_script("udp_sizes.py"), "127.0.0.1", server.port});
  INFO(sizes.err);
  CHECK(sizes.exit_code == 0);
  CHECK(sizes.out == "0\n1\n12\n1472\n8192\n65507\n");
  const auto result = client(server.port, {"--udp"});
  CHECK(result.out == "Received b'Hello, world'\n");
  CHECK(server.process.stop() == 0);
  CHECK(server.process.out().find("Datagram from ('127.0.0.1', ") != std::string::npos);
}

// Its UDP half sends datagrams of every size too (see above).
TEST_CASE("IPv6 works end to end over TCP and UDP", "[uecho][board-limits]") {
  Server tcp({"-6"});
  const auto result = client(tcp.port, {"-6"});
  CHECK(result.out == "Received b'Hello, world'\n");
  CHECK(tcp.process.stop() == 0);
  CHECK(tcp.process.out().rfind("Connected by ('::1', ", 0) == 0);

  Server udp({"-6", "--udp"});
  CHECK(run({"python3", peer_script("udp_sizes.py"), "::1", udp.port}).exit_code == 0);
  CHECK(client(udp.port, {"-6", "--udp", "-m", "v6"}).out == "Received b'v6'\n");
}

TEST_CASE("ping mode times each round trip", "[uecho]") {
  Server server({});
  const auto result = client(server.port, {"--count", "3", "--interval", "0"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("12 bytes from ('127.0.0.1', " + server.port + "): seq=1 time=") == 0);
  CHECK(result.out.find("seq=3 time=") != std::string::npos);
  CHECK(result.out.find("3 sent, 3 received, 0% lost\nrtt min/avg/max/mdev = ") !=
        std::string::npos);
  const auto json = client(server.port, {"-c", "2", "-i", "0", "--json"});
  CHECK(json.out.find("\"sent\": 2, \"received\": 2, \"lost_percent\": 0.0") != std::string::npos);
}

TEST_CASE("connection refused is exit 7 with a clear message", "[uecho]") {
  const std::string port = std::to_string(free_tcp_port());
  const auto result = client(port);
  CHECK(result.exit_code == 7);
  CHECK(result.err == "uecho: error: cannot connect to 127.0.0.1 port " + port +
                          " (Connection refused, ECONNREFUSED, 111)\n");
}

TEST_CASE("an unknown host is exit 6 for client and server", "[uecho]") {
  const auto result = client("65432", {"--host", "nonexistent.invalid"});
  CHECK(result.exit_code == 6);
  CHECK(result.err ==
        "uecho: error: cannot resolve 'nonexistent.invalid' (Name or service not known, -2)\n");
  const auto server = run({tool_path("uecho"), "server", "--host", "nonexistent.invalid"});
  CHECK(server.exit_code == 6);
  CHECK(server.err.rfind("uecho: error: cannot resolve 'nonexistent.invalid' (", 0) == 0);
}

TEST_CASE("a port in use is a clear error", "[uecho]") {
  // The workers share their port through SO_REUSEPORT; a port held by
  // another program without it must be refused, loudly.
  const std::string port = std::to_string(free_tcp_port());
  Background python({"python3", peer_script("misbehaving_peer.py"), "stalled-server", port});
  python.wait_for_stderr("listening");
  const auto taken = run({tool_path("uecho"), "server", "--port", port});
  CHECK(taken.exit_code == 1);
  CHECK(taken.err == "uecho: error: cannot listen on ('127.0.0.1', " + port +
                         ") (Address already in use, EADDRINUSE, 98)\n");
}

TEST_CASE("a reset peer or one that stops reading never stalls other clients", "[uecho]") {
  Server server({"--workers", "1"});
  const auto reset =
      run({"python3", peer_script("misbehaving_peer.py"), "reset", "127.0.0.1", server.port});
  CHECK(reset.exit_code == 0);
  // 64 MiB is far more than the socket buffers hold: the server must stop
  // reading from this peer and carry on with the others.
  Background hog({"python3", peer_script("misbehaving_peer.py"), "nonreader", "127.0.0.1",
                  server.port, "67108864"});
  for (int i = 0; i < 3; ++i) {
    const auto result = client(server.port, {"--bytes", "2M", "--timeout", "20"});
    CHECK(result.exit_code == 0);
  }
  hog.stop();
  CHECK(client(server.port).out == "Received b'Hello, world'\n");
  CHECK(server.process.stop() == 0);
}

TEST_CASE("a server that stops reading makes the bulk client time out with exit 28", "[uecho]") {
  const std::string port = std::to_string(free_tcp_port());
  Background peer({"python3", peer_script("misbehaving_peer.py"), "stalled-server", port});
  peer.wait_for_stderr("listening");
  const auto result = client(port, {"--bytes", "1G", "--timeout", "1"});
  CHECK(result.exit_code == 28);
  CHECK(result.err.rfind("uecho: error: no progress for 1 s after 0 of 1073741824 bytes echoed",
                         0) == 0);
}

TEST_CASE("a server that closes mid-stream is exit 56", "[uecho]") {
  const std::string port = std::to_string(free_tcp_port());
  Background peer(
      {"python3", peer_script("misbehaving_peer.py"), "closing-server", port, "100000"});
  peer.wait_for_stderr("listening");
  const auto result = client(port, {"--bytes", "10M"});
  CHECK(result.exit_code == 56);
  CHECK(result.err.find("uecho: error: ") == 0);
  CHECK(result.out.empty());
}

// Connects and reports on stdout, then says whether the server closed it.
Background holder_client(const std::string& port) {
  return Background({"python3", "-c",
                     "import socket, sys\n"
                     "s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n"
                     "print('connected', file=sys.stderr, flush=True)\n"
                     "s.settimeout(30)\n"
                     "print('closed' if s.recv(1) == b'' else 'data', flush=True)\n",
                     port});
}

TEST_CASE("max-clients turns away clients past the limit", "[uecho]") {
  Server server({"--workers", "1", "--max-clients", "1"});
  Background holder = holder_client(server.port);
  holder.wait_for_stderr("connected");
  const auto turned_away = client(server.port);
  // Closed unread, the connection ends in FIN or, when the message was
  // already there, RST: both are exit 56 with a message, never a hang.
  CHECK(turned_away.exit_code == 56);
  const bool closed =
      turned_away.err == "uecho: error: server closed after echoing 0 of 12 bytes\n";
  const bool reset =
      turned_away.err.find("(Connection reset by peer, ECONNRESET, 104)\n") != std::string::npos;
  CHECK((closed || reset));
  holder.stop();
  // The slot is free again once the holder has gone.
  usock::test::RunResult later;
  for (int attempt = 0; attempt < 50 && later.exit_code != 0; ++attempt)
    later = client(server.port);
  CHECK(later.out == "Received b'Hello, world'\n");
}

TEST_CASE("idle-timeout drops a silent client and keeps the server running", "[uecho]") {
  Server server({"--idle-timeout", "0.3"});
  Background holder = holder_client(server.port);
  CHECK(holder.wait(std::chrono::seconds(40)) == 0);
  CHECK(holder.out() == "closed\n");
  CHECK(client(server.port).out == "Received b'Hello, world'\n");
  CHECK(server.process.stop() == 0);
}

TEST_CASE("trace narrates the client's calls", "[uecho]") {
  Server server({});
  const auto result = client(server.port, {"--trace", "-m", "hi"});
  CHECK(result.exit_code == 0);
  CHECK(result.err.find(">>> s.connect(('127.0.0.1', " + server.port + "))\n") !=
        std::string::npos);
  CHECK(result.err.find(">>> s.sendall(b'hi')\n") != std::string::npos);
  CHECK(result.err.find(">>> s.recv(1024)\nb'hi'\n") != std::string::npos);
}

TEST_CASE("bad arguments are usage errors", "[uecho]") {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"client", "--bytes", "12X"},
      {"client", "--udp", "--bytes", "1M"},
      {"client", "--port", "70000"},
      {"server", "--workers", "0"},
      {"client", "--bytes", "1M", "--count", "2"},
      {"frobnicate"},
  };
  for (const auto& args : bad) {
    std::vector<std::string> argv = {tool_path("uecho")};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = run(argv);
    INFO(Catch::Detail::stringify(args) << " -> " << result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.rfind("uecho: error: ", 0) == 0);
  }
}
