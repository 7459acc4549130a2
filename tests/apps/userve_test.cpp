// userve against real clients on loopback: curl (HTTP/1.0 and 1.1, keep-alive
// reuse, ranges, HEAD, conditional requests, TLS), python3's urllib, the
// seed's HTTP/1.0 client, raw requests no library would send, idle and slow
// connections, and wrk. Servers are started per test and stopped by their
// own PID; files are served from a temporary tree made per test.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "background.hpp"
#include "process.hpp"

using usock::test::Background;
using usock::test::run;
using usock::test::RunResult;
using usock::test::tool_path;

namespace {

const std::string kListening = R"(^userve: listening on \('[^']*', (\d+)[,)])";

std::string peer_script(const std::string& name) {
  return std::string(USOCK_TEST_PEERS) + "/" + name;
}

// Polls until something accepts connections on 127.0.0.1:`port`.
void wait_until_listening(int port) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_port = htons(static_cast<std::uint16_t>(port));
    where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&where), sizeof where) == 0;
    ::close(fd);
    if (up) return;
    ::usleep(50 * 1000);
  }
  throw std::runtime_error("userve did not start listening");
}

// A userve on loopback. Unless quiet it reports the ephemeral port it took;
// with -q it says nothing, so it gets a free port and is polled until up.
struct Server {
  explicit Server(std::vector<std::string> args) : process(start(args)) {
    if (quiet) {
      wait_until_listening(std::stoi(port));
    } else {
      port = process.wait_for_stderr(kListening);
    }
  }
  std::vector<std::string> start(std::vector<std::string> args) {
    quiet = std::find(args.begin(), args.end(), "-q") != args.end();
    port = quiet ? std::to_string(usock::test::free_tcp_port()) : "0";
    args.insert(args.begin(), {tool_path("userve"), "--bind", "127.0.0.1", "--port", port});
    return args;
  }
  std::string url(const std::string& path = "/") const { return "http://127.0.0.1:" + port + path; }
  bool quiet = false;
  std::string port;
  Background process;
};

// A directory tree to serve, and a secret beside it that must never be served.
class Site {
 public:
  Site() {
    char dir[] = "/tmp/userve-test-XXXXXX";
    if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
    base_ = dir;
    std::filesystem::create_directories(root() + "/docs/empty");
    write("secret.txt", "the secret outside the root\n");
    write("root/index.html", "<h1>home</h1>\n");
    write("root/hello.txt", "hello, world\n");
    write("root/docs/index.html", "<p>docs</p>\n");
    std::string big;
    for (int i = 0; big.size() < 3 * 1024 * 1024; ++i)
      big += std::to_string(i) + ",";
    write("root/big.csv", big);
    std::filesystem::create_symlink(base_ + "/secret.txt", root() + "/escape");
    std::filesystem::create_symlink("../secret.txt", root() + "/escape-relative");
    std::filesystem::create_symlink("hello.txt", root() + "/inside");
  }
  ~Site() { std::filesystem::remove_all(base_); }
  Site(const Site&) = delete;
  Site& operator=(const Site&) = delete;

  std::string root() const { return base_ + "/root"; }
  std::string path(const std::string& name) const { return base_ + "/" + name; }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream(path(name), std::ios::binary) << content;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::string base_;
};

RunResult curl(std::vector<std::string> args) {
  args.insert(args.begin(), {"curl", "--silent", "--show-error", "--max-time", "10"});
  return run(args);
}

// The status code curl saw, for one URL.
std::string status_of(const std::string& url, std::vector<std::string> extra = {}) {
  extra.insert(extra.end(), {"--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", url});
  return curl(extra).out;
}

}  // namespace

TEST_CASE("the counter page answers as the seed's web server", "[userve]") {
  Server server({});
  const auto first = curl({"-i", server.url()});
  CHECK(first.exit_code == 0);
  CHECK(first.out.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
  CHECK(first.out.find("\r\n\r\nHello #0 from MicroPython!\n") != std::string::npos);
  // A browser's favicon request moves the counter too.
  CHECK(curl({server.url("/favicon.ico")}).out == "Hello #1 from MicroPython!\n");
  CHECK(curl({server.url()}).out == "Hello #2 from MicroPython!\n");
  CHECK(server.process.stop() == 0);
  const std::string& out = server.process.out();
  CHECK(out.rfind("Listening, connect your browser to http://127.0.0.1:" + server.port + "/\n",
                  0) == 0);
  CHECK(out.find("Request from ('127.0.0.1', ") != std::string::npos);
  CHECK(out.find("\n\nRequest:\nb'GET / HTTP/1.1\\r\\n'\nb'Host: 127.0.0.1:" + server.port +
                 "\\r\\n'\n") != std::string::npos);
  CHECK(out.find("b'GET /favicon.ico HTTP/1.1\\r\\n'") != std::string::npos);
}

TEST_CASE("the seed's HTTP/1.0 client reads the counter page", "[userve]") {
  Server server({"-q"});
  const auto result =
      run({"python3", peer_script("seed_http_client.py"), "127.0.0.1", server.port});
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("\nResponse:\nHTTP/1.0 200 OK\r\n", 0) == 0);
  CHECK(result.out.find("Connection: close\r\n") != std::string::npos);
  CHECK(result.out.find("\r\n\r\nHello #0 from MicroPython!\n ...\n") != std::string::npos);
  // -q: no narration of requests.
  CHECK(server.process.stop() == 0);
  CHECK(server.process.out().empty());
}

TEST_CASE("message templates and HEAD on the counter page", "[userve]") {
  Server server({"-q", "--message", "visit {} of {}"});
  CHECK(curl({server.url()}).out == "visit 0 of 0\n");
  const auto head = curl({"-I", server.url()});
  CHECK(head.out.find("Content-Length: 13\r\n") != std::string::npos);
  CHECK(curl({server.url()}).out == "visit 2 of 2\n");
}

TEST_CASE("keep-alive connections are reused and HTTP/1.0 ones are closed", "[userve]") {
  Server server({"-q"});
  const auto reused = curl({"-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects} ",
                            server.url("/a"), server.url("/b")});
  CHECK(reused.out == "1 0 ");
  const auto old = curl({"--http1.0", "-o", "/dev/null", "-o", "/dev/null", "-w",
                         "%{num_connects} ", server.url("/a"), server.url("/b")});
  CHECK(old.out == "1 1 ");
  const auto pipelined =
      run({"python3", peer_script("http_probe.py"), server.port, "pipeline", "5", "/"});
  std::string five;
  for (int i = 0; i < 5; ++i)
    five += "HTTP/1.0 200 OK\n";
  CHECK(pipelined.out == five);
}

TEST_CASE("userve listens on IPv6 too", "[userve]") {
  Background server({tool_path("userve"), "--bind", "::1", "--port", "0", "--max-requests", "1"});
  const std::string port = server.wait_for_stderr(kListening);
  CHECK(curl({"-g", "http://[::1]:" + port + "/"}).out == "Hello #0 from MicroPython!\n");
  CHECK(server.wait() == 0);
  CHECK(server.out().rfind("Listening, connect your browser to http://[::1]:" + port + "/\n", 0) ==
        0);
  CHECK(server.out().find("Request from ('::1', ") != std::string::npos);
}

TEST_CASE("max-requests ends the server after that many answers", "[userve]") {
  Server server({"-q", "--max-requests", "2"});
  CHECK(curl({server.url()}).out == "Hello #0 from MicroPython!\n");
  CHECK(curl({server.url()}).out == "Hello #1 from MicroPython!\n");
  CHECK(server.process.wait() == 0);
}

TEST_CASE("SIGTERM stops the server with exit 0", "[userve]") {
  Server server({"-q", "--workers", "3"});
  CHECK(curl({server.url()}).exit_code == 0);
  CHECK(server.process.stop() == 0);
}

TEST_CASE("SIGTERM lets a download in flight finish", "[userve]") {
  Site site;
  Server server({"-q", "--root", site.root()});
  const std::string out = site.path("download.csv");
  // Slow enough that the server is told to stop mid-way through.
  Background download({"curl", "--silent", "--max-time", "30", "--limit-rate", "1M", "-o", out,
                       server.url("/big.csv")});
  for (int i = 0; i < 200 && !std::filesystem::exists(out); ++i)
    ::usleep(10 * 1000);
  CHECK(server.process.stop() == 0);
  CHECK(download.wait(std::chrono::seconds(30)) == 0);
  CHECK(site.read("download.csv") == site.read("root/big.csv"));
}

TEST_CASE("files are served with their type, length and dates", "[userve]") {
  Site site;
  Server server({"-q", "--root", site.root()});
  const auto hello = curl({"-i", server.url("/hello.txt")});
  CHECK(hello.out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(hello.out.find("Content-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
  CHECK(hello.out.find("Content-Length: 13\r\n") != std::string::npos);
  CHECK(hello.out.find("Last-Modified: ") != std::string::npos);
  CHECK(hello.out.find("\r\n\r\nhello, world\n") != std::string::npos);
  CHECK(curl({server.url("/")}).out == "<h1>home</h1>\n");
  CHECK(curl({server.url("/docs/")}).out == "<p>docs</p>\n");
  CHECK(curl({server.url("/inside")}).out == "hello, world\n");
  CHECK(curl({server.url("/hello.txt?query=ignored")}).out == "hello, world\n");
  const auto redirect = curl({"-i", server.url("/docs?x=1")});
  CHECK(redirect.out.rfind("HTTP/1.1 301 Moved Permanently\r\n", 0) == 0);
  CHECK(redirect.out.find("Location: /docs/?x=1\r\n") != std::string::npos);
  CHECK(status_of(server.url("/docs/empty/")) == "403");
  CHECK(status_of(server.url("/missing")) == "404");
  CHECK(status_of(server.url("/hello.txt/")) == "404");
  CHECK(status_of(server.url("/hello.txt"), {"-X", "POST", "-d", "x=1"}) == "405");
  CHECK(status_of(server.url("/hello.txt"), {"-X", "DELETE"}) == "405");
}

TEST_CASE("a large file arrives whole", "[userve]") {
  Site site;
  Server server({"-q", "--root", site.root()});
  const auto big = curl({server.url("/big.csv")});
  CHECK(big.exit_code == 0);
  CHECK(big.out == site.read("root/big.csv"));
  // Several at once on one connection, by HTTP/1.0, by python's urllib.
  const auto twice = curl({server.url("/big.csv"), server.url("/big.csv")});
  CHECK(twice.out == site.read("root/big.csv") + site.read("root/big.csv"));
  CHECK(curl({"--http1.0", server.url("/big.csv")}).out == site.read("root/big.csv"));
  const auto python =
      run({"python3", "-c",
           "import sys, urllib.request\n"
           "sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())",
           server.url("/big.csv")});
  CHECK(python.out == site.read("root/big.csv"));
}

TEST_CASE("HEAD ranges and conditional requests", "[userve]") {
  Site site;
  Server server({"-q", "--root", site.root()});
  const auto head = curl({"-I", server.url("/big.csv")});
  CHECK(head.out.find("Content-Length: " + std::to_string(site.read("root/big.csv").size())) !=
        std::string::npos);
  CHECK(head.out.find("Accept-Ranges: bytes\r\n") != std::string::npos);
  CHECK(curl({"-r", "0-4", server.url("/hello.txt")}).out == "hello");
  CHECK(curl({"-r", "7-", server.url("/hello.txt")}).out == "world\n");
  CHECK(curl({"-r", "-6", server.url("/hello.txt")}).out == "world\n");
  const auto partial = curl({"-i", "-r", "1000000-1000009", server.url("/big.csv")});
  CHECK(partial.out.rfind("HTTP/1.1 206 Partial Content\r\n", 0) == 0);
  CHECK(partial.out.find("Content-Range: bytes 1000000-1000009/") != std::string::npos);
  CHECK(partial.out.substr(partial.out.size() - 10) ==
        site.read("root/big.csv").substr(1000000, 10));
  CHECK(status_of(server.url("/hello.txt"), {"-r", "100-200"}) == "416");
  // A date after the file's last change: not modified.
  CHECK(status_of(server.url("/hello.txt"),
                  {"-H", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT"}) == "304");
  CHECK(status_of(server.url("/hello.txt"),
                  {"-H", "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT"}) == "200");
  // curl's -z sends the file's own date back.
  CHECK(status_of(server.url("/hello.txt"), {"-z", site.path("root/hello.txt")}) == "304");
}

TEST_CASE("nothing outside the root is ever served", "[userve]") {
  Site site;
  Server server({"-q", "--root", site.root()});
  for (const std::string path :
       {"/../secret.txt", "/docs/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
        "/docs/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/docs%2f..%2f..%2fsecret.txt",
        "/escape", "/escape-relative", "/%2e%2e%5csecret.txt", "/docs/..%5c..%5csecret.txt"}) {
    INFO(path);
    const auto result = curl({"--path-as-is", "-i", server.url(path)});
    CHECK(result.out.find("the secret") == std::string::npos);
    const std::string status = result.out.substr(9, 3);
    CHECK((status == "403" || status == "404"));
  }
  for (const std::string request :
       {"GET ../secret.txt HTTP/1.0\\r\\n\\r\\n", "GET /%00/secret.txt HTTP/1.0\\r\\n\\r\\n",
        "GET http://x/../secret.txt HTTP/1.0\\r\\n\\r\\n"}) {
    INFO(request);
    const auto result =
        run({"python3", peer_script("http_probe.py"), server.port, "send", request});
    CHECK(result.out.find("the secret") == std::string::npos);
    CHECK(result.out.rfind("HTTP/1.1 4", 0) == 0);
  }
  // Dot segments that stay inside are fine.
  CHECK(curl({"--path-as-is", server.url("/docs/../hello.txt")}).out == "hello, world\n");
  CHECK(curl({"--path-as-is", server.url("/docs/%2e%2e/hello.txt")}).out == "hello, world\n");
}

TEST_CASE("malformed and oversized requests get their status and the server lives on", "[userve]") {
  Server server({"-q"});
  const auto send = [&](const std::string& text) {
    return run({"python3", peer_script("http_probe.py"), server.port, "send", text}).out;
  };
  CHECK(send("garbage\\r\\n\\r\\n").rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK(send("GET / HTTP/1.1\\r\\n\\r\\n").rfind("HTTP/1.1 400 ", 0) == 0);  // no Host
  CHECK(send("GET / HTTP/2.0\\r\\n\\r\\n").rfind("HTTP/1.1 505 ", 0) == 0);
  CHECK(
      send("GET /" + std::string(20000, 'a') + " HTTP/1.1\\r\\n\\r\\n").rfind("HTTP/1.1 414 ", 0) ==
      0);
  std::string many_headers = "GET / HTTP/1.1\\r\\nHost: x\\r\\n";
  for (int i = 0; i < 2000; ++i)
    many_headers += "X-Filler-" + std::to_string(i) + ": " + std::string(40, 'v') + "\\r\\n";
  CHECK(send(many_headers + "\\r\\n").rfind("HTTP/1.1 431 ", 0) == 0);
  CHECK(
      send("POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\n")
          .rfind("HTTP/1.1 400 ", 0) == 0);
  // A body is skipped, and the next request on the connection answered.
  const std::string after_body = send(
      "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\n\\r\\nabcde"
      "GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n");
  CHECK(after_body.find("Hello #0 ") != std::string::npos);
  CHECK(after_body.find("Hello #1 ") != std::string::npos);
  CHECK(curl({server.url()}).out == "Hello #2 from MicroPython!\n");
}

TEST_CASE("slow and idle clients are dropped without delaying others", "[userve]") {
  Site site;
  Server server({"-q", "--root", site.root(), "--header-timeout", "1", "--idle-timeout", "1"});
  // A client that never finishes its head is closed after the header timeout
  // (the probe prints what it got once the server closes: nothing).
  const auto slow = run({"python3", peer_script("http_probe.py"), server.port, "send",
                         "GET / HTTP/1.1\\r\\nHost: x\\r\\n"});
  CHECK(slow.exit_code == 0);
  CHECK(slow.out.empty());
  // A kept-alive connection left idle is closed too, after its answer.
  const auto idle = run({"python3", peer_script("http_probe.py"), server.port, "send",
                         "GET /hello.txt HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"});
  CHECK(idle.out.find("\r\n\r\nhello, world\n") != std::string::npos);
}

// Native only: a board holds a few sockets (uboard 64, an ESP32 8), not 1000.
TEST_CASE("a thousand idle connections do not keep another client waiting", "[userve][native]") {
  Site site;
  Server server({"-q", "--root", site.root(), "--workers", "2"});
  const auto result =
      run({"python3", peer_script("http_probe.py"), server.port, "idle", "1000", "/hello.txt"});
  CHECK(result.exit_code == 0);
  CHECK(result.out == "200\n1000\n");
  CHECK(curl({server.url("/hello.txt")}).out == "hello, world\n");
}

// Eleven connections at once: more than the 8 sockets an ESP32-class board
// holds (the agent's max_sockets), whose backlog keeps the eleventh waiting.
TEST_CASE("max-connections closes connections past the limit", "[userve][board-limits]") {
  Server server({"-q", "--max-connections", "10", "--workers", "1"});
  const auto result =
      run({"python3", peer_script("http_probe.py"), server.port, "idle", "10", "/"});
  // The eleventh connection, urllib's, is closed at once.
  CHECK(result.exit_code != 0);
  CHECK((result.err.find("Connection reset") != std::string::npos ||
         result.err.find("RemoteDisconnected") != std::string::npos));
}

TEST_CASE("the access log records each request in common log format", "[userve]") {
  Site site;
  const std::string log = site.path("access.log");
  Server server({"-q", "--root", site.root(), "--access-log", log});
  CHECK(curl({server.url("/hello.txt")}).exit_code == 0);
  CHECK(status_of(server.url("/missing")) == "404");
  CHECK(server.process.stop() == 0);
  const std::string text = site.read("access.log");
  CHECK(text.rfind("127.0.0.1 - - [", 0) == 0);
  CHECK(text.find("] \"GET /hello.txt HTTP/1.1\" 200 13\n") != std::string::npos);
  CHECK(text.find("] \"GET /missing HTTP/1.1\" 404 14\n") != std::string::npos);
}

TEST_CASE("HTTPS with a certificate made by openssl", "[userve]") {
  Site site;
  const auto made =
      run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
           "-nodes", "-keyout", site.path("key.pem"), "-out", site.path("cert.pem"), "-days", "2",
           "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"});
  REQUIRE(made.exit_code == 0);
  Server server({"-q", "--root", site.root(), "--cert", site.path("cert.pem"), "--key",
                 site.path("key.pem")});
  const std::string base = "https://127.0.0.1:" + server.port;
  CHECK(curl({"--cacert", site.path("cert.pem"), base + "/hello.txt"}).out == "hello, world\n");
  const auto both = curl({"--cacert", site.path("cert.pem"), "-o", "/dev/null", "-o", "/dev/null",
                          "-w", "%{num_connects} ", base + "/big.csv", base + "/hello.txt"});
  CHECK(both.out == "1 0 ");
  CHECK(curl({"--cacert", site.path("cert.pem"), base + "/big.csv"}).out ==
        site.read("root/big.csv"));
  // A client speaking plain HTTP to the TLS port is dropped; others go on.
  CHECK(curl({"http://127.0.0.1:" + server.port + "/hello.txt"}).exit_code != 0);
  CHECK(curl({"--cacert", site.path("cert.pem"), base + "/hello.txt"}).out == "hello, world\n");
}

TEST_CASE("wrk gets only successful answers", "[userve]") {
  Site site;
  Server server({"-q", "--root", site.root()});
  const auto result = run({"wrk", "-t1", "-c20", "-d2s", server.url("/hello.txt")});
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("requests in") != std::string::npos);
  CHECK(result.out.find("Socket errors") == std::string::npos);
  CHECK(result.out.find("Non-2xx") == std::string::npos);
}

TEST_CASE("bad options are usage errors", "[userve]") {
  const auto no_root = run({tool_path("userve"), "--root", "/nonexistent/dir"});
  CHECK(no_root.exit_code == 2);
  CHECK(no_root.err.rfind("userve: error: ", 0) == 0);
  CHECK(run({tool_path("userve"), "--cert", "/etc/hostname"}).exit_code == 2);
  CHECK(run({tool_path("userve"), "--port", "70000"}).exit_code == 2);
  const auto bad_key = run(
      {tool_path("userve"), "--cert", "/etc/hostname", "--key", "/etc/hostname", "--port", "0"});
  CHECK(bad_key.exit_code == 2);
  CHECK(bad_key.err.rfind("userve: error: cannot use the certificate (", 0) == 0);
}
