// uhttpget against real servers on loopback: python3's http.server, nginx
// (plain and TLS, with a test CA made by the openssl CLI), openssl s_server,
// and a server that misbehaves on purpose (tests/apps/peers/http_peer.py).
// Every server is started here and stopped by its own PID.

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "background.hpp"
#include "nginx.hpp"
#include "pki.hpp"
#include "process.hpp"

using usock::test::Background;
using usock::test::free_tcp_port;
using usock::test::Nginx;
using usock::test::pki;
using usock::test::run;
using usock::test::RunOptions;
using usock::test::RunResult;
using usock::test::tool_path;
using usock::test::wait_for_port;
using usock::test::with_stdin;

namespace {

std::string peer_script(const std::string& name) {
  return std::string(USOCK_TEST_PEERS) + "/" + name;
}

RunResult uhttpget(std::vector<std::string> args, const RunOptions& options = {}) {
  args.insert(args.begin(), tool_path("uhttpget"));
  return run(args, options);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A directory of files to serve, removed afterwards.
class Folder {
 public:
  Folder() {
    char dir[] = "/tmp/usock-www-XXXXXX";
    if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = dir;
    // nginx's workers must be able to read it whoever they run as.
    ::chmod(dir, 0755);
  }
  ~Folder() { std::filesystem::remove_all(path_); }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;

  std::string add(const std::string& name, const std::string& content) const {
    std::ofstream(path_ + "/" + name, std::ios::binary) << content;
    return path_ + "/" + name;
  }
  const std::string& path() const noexcept { return path_; }
  // The names in the folder, temporary files included.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      out.push_back(entry.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::string path_;
};

std::string random_bytes(std::size_t size) {
  std::mt19937_64 generator(42);
  std::string out(size, '\0');
  for (auto& byte : out)
    byte = static_cast<char>(generator());
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// python3 -m http.server serving `folder` on an ephemeral port.
struct PythonServer {
  explicit PythonServer(const Folder& folder)
      : process({"sh", "-c", "exec python3 -u -m http.server --bind 127.0.0.1 -d \"$1\" 0 1>&2",
                 "sh", folder.path()}),
        url("http://127.0.0.1:" + process.wait_for_stderr(R"(Serving HTTP on \S+ port (\d+))") +
            "/") {}
  Background process;
  std::string url;
};

// The misbehaving server; `base` is its URL without a path.
struct Peer {
  explicit Peer(std::vector<std::string> args = {})
      : process([&] {
          args.insert(args.begin(), {"python3", peer_script("http_peer.py")});
          return args;
        }()),
        port(process.wait_for_stderr(R"(listening on (\d+))")),
        base("http://127.0.0.1:" + port) {}
  Background process;
  std::string port;
  std::string base;
};

}  // namespace

// --- the documented examples -------------------------------------------------

TEST_CASE("http1.0 sends the seed's bare request and prints the whole response", "[uhttpget]") {
  Folder folder;
  folder.add("index.html", "<h1>seed 001</h1>\n");
  PythonServer server(folder);
  const auto result = uhttpget({"--http1.0", "--trace", server.url});
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
  CHECK(contains(result.out, "\r\n\r\n<h1>seed 001</h1>\n"));
  CHECK(contains(result.err, ">>> s.write(b'GET / HTTP/1.0\\r\\n\\r\\n')\n"));
  CHECK(contains(result.err, ">>> s = socket.socket("));
  CHECK(contains(result.err, ">>> s.connect(('127.0.0.1', "));
}

TEST_CASE("bytes stops after that many bytes as s.read(2000) does", "[uhttpget]") {
  Folder folder;
  folder.add("index.html", std::string(5000, 'a'));
  PythonServer server(folder);
  const auto part = uhttpget({"--http1.0", "--bytes", "2000", server.url});
  CHECK(part.exit_code == 0);
  // The first 2000 bytes of the response: its head, then the body's start.
  REQUIRE(part.out.size() == 2000);
  CHECK(part.out.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
  const auto body = part.out.find("\r\n\r\n") + 4;
  CHECK(part.out.substr(body) == std::string(2000 - body, 'a'));
}

TEST_CASE("first-line prints only the status line as seed 000 does", "[uhttpget]") {
  Folder folder;
  folder.add("index.html", "x");
  PythonServer server(folder);
  const auto result = uhttpget({"--first-line", server.url});
  CHECK(result.exit_code == 0);
  CHECK(result.out == "HTTP/1.0 200 OK\n");
}

TEST_CASE("https goes through ssl.wrap_socket with SNI and verification", "[uhttpget][tls]") {
  Folder folder;
  folder.add("index.html", "over tls\n");
  Nginx nginx(folder.path(),
              usock::test::NginxTls{pki().path("localhost.pem"), pki().path("leaf.key")});
  const std::string url = "https://localhost:" + std::to_string(nginx.tls_port()) + "/";
  const auto result = uhttpget({"--cacert", pki().path("ca.pem"), "--trace", url});
  CHECK(result.exit_code == 0);
  CHECK(result.out == "over tls\n");
  CHECK(contains(result.err, ">>> s = ssl.wrap_socket(s, server_hostname='localhost'"));
}

// --- HTTP/1.1 -------------------------------------------------------------------

TEST_CASE("a file comes back byte for byte and the request is HTTP/1.1", "[uhttpget]") {
  Folder folder;
  const std::string content = random_bytes(3 << 20);
  folder.add("data.bin", content);
  Nginx nginx(folder.path());
  const std::string url = "http://127.0.0.1:" + std::to_string(nginx.port()) + "/data.bin";
  const auto result = uhttpget({url});
  CHECK(result.exit_code == 0);
  CHECK(result.out.size() == content.size());
  CHECK(result.out == content);
}

TEST_CASE("the request carries Host User-Agent Accept and Connection close", "[uhttpget]") {
  Peer peer;
  const auto result = uhttpget({peer.base + "/echo"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + peer.port + "\r\n", 0) == 0);
  CHECK(contains(result.out, "\r\nUser-Agent: uhttpget/"));
  CHECK(contains(result.out, "\r\nAccept: */*\r\n"));
  CHECK(contains(result.out, "\r\nConnection: close\r\n"));
}

TEST_CASE("header adds replaces and removes fields", "[uhttpget]") {
  Peer peer;
  const auto result = uhttpget(
      {"-H", "X-Extra: one", "-H", "Accept: text/plain", "-H", "User-Agent:", peer.base + "/echo"});
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "\r\nX-Extra: one\r\n"));
  CHECK(contains(result.out, "\r\nAccept: text/plain\r\n"));
  CHECK_FALSE(contains(result.out, "User-Agent"));
}

TEST_CASE("data is sent as the body of a POST from text a file or stdin", "[uhttpget]") {
  Peer peer;
  const auto text = uhttpget({"-d", "a=1&b=2", peer.base + "/echo"});
  CHECK(text.out.rfind("POST /echo HTTP/1.1\r\n", 0) == 0);
  CHECK(contains(text.out, "\r\nContent-Length: 7\r\n"));
  CHECK(text.out.substr(text.out.size() - 7) == "a=1&b=2");

  Folder folder;
  const std::string body = random_bytes(100000);
  const auto path = folder.add("body.bin", body);
  const auto file = uhttpget({"-X", "PUT", "-d", "@" + path, peer.base + "/echo"});
  CHECK(file.out.rfind("PUT /echo HTTP/1.1\r\n", 0) == 0);
  CHECK(file.out.substr(file.out.size() - body.size()) == body);

  const auto input = uhttpget({"-d", "@-", peer.base + "/echo"}, with_stdin("from stdin"));
  CHECK(input.out.substr(input.out.size() - 10) == "from stdin");

  const auto missing = uhttpget({"-d", "@/no/such/file", peer.base + "/echo"});
  CHECK(missing.exit_code == 26);
  CHECK(
      contains(missing.err, "uhttpget: error: cannot read the request body from '/no/such/file'"));
}

TEST_CASE("user and URL userinfo send Basic authentication", "[uhttpget]") {
  Peer peer;
  const auto option = uhttpget({"-u", "alice:secret", peer.base + "/echo"});
  CHECK(contains(option.out, "\r\nAuthorization: Basic YWxpY2U6c2VjcmV0\r\n"));
  const auto userinfo = uhttpget({"http://alice:secret@127.0.0.1:" + peer.port + "/echo"});
  CHECK(contains(userinfo.out, "\r\nAuthorization: Basic YWxpY2U6c2VjcmV0\r\n"));
}

TEST_CASE("head and include print the response head", "[uhttpget]") {
  Folder folder;
  folder.add("index.html", "body text\n");
  Nginx nginx(folder.path());
  const std::string url = "http://127.0.0.1:" + std::to_string(nginx.port()) + "/";
  const auto head = uhttpget({"-I", url});
  CHECK(head.exit_code == 0);
  CHECK(head.out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(contains(head.out, "Content-Length: 10\r\n"));
  CHECK(head.out.substr(head.out.size() - 4) == "\r\n\r\n");
  const auto include = uhttpget({"-i", url});
  CHECK(include.out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(include.out.substr(include.out.size() - 14) == "\r\n\r\nbody text\n");
}

TEST_CASE("a chunked body is decoded", "[uhttpget]") {
  Peer peer;
  const auto result = uhttpget({peer.base + "/chunked"});
  CHECK(result.exit_code == 0);
  std::string expected;
  for (int i = 0; i < 100; ++i)
    expected += "line " + std::to_string(i) + "\n";
  CHECK(result.out == expected);
}

TEST_CASE("a body that ends with the connection is read to its end", "[uhttpget]") {
  Peer peer;
  const auto result = uhttpget({peer.base + "/until-close"});
  CHECK(result.exit_code == 0);
  CHECK(result.out == std::string(3000, 'z'));
}

TEST_CASE("interim 100 responses are skipped", "[uhttpget]") {
  Peer peer;
  const auto result = uhttpget({peer.base + "/interim"});
  CHECK(result.exit_code == 0);
  CHECK(result.out == "after interim\n");
}

// --- bodies cut short and replies that are not HTTP --------------------------------

TEST_CASE("a body cut short is exit 18 and never a complete file", "[uhttpget]") {
  Peer peer;
  Folder folder;
  const auto result = uhttpget({"-o", folder.path() + "/out.bin", peer.base + "/cut"});
  CHECK(result.exit_code == 18);
  CHECK(
      contains(result.err, "uhttpget: error: the connection closed after 500 of 1000 body bytes"));
  CHECK(folder.names().empty());

  const auto chunked = uhttpget({peer.base + "/cut-chunked"});
  CHECK(chunked.exit_code == 18);
  CHECK(contains(chunked.err, "inside the chunked body"));
}

TEST_CASE("replies that are not HTTP are exit 8 with the reason", "[uhttpget]") {
  Peer peer;
  const auto garbage = uhttpget({peer.base + "/garbage"});
  CHECK(garbage.exit_code == 8);
  CHECK(contains(garbage.err, "uhttpget: error: the server's reply is not HTTP/1.x"));
  // Header lines without end: refused at the head limit, not read forever.
  const auto endless = uhttpget({peer.base + "/endless"});
  CHECK(endless.exit_code == 8);
  CHECK_FALSE(endless.timed_out);
  const auto chunks = uhttpget({peer.base + "/bad-chunk"});
  CHECK(chunks.exit_code == 8);
  CHECK(contains(chunks.err, "the chunked body is malformed"));
  const auto flood = uhttpget({peer.base + "/interim-flood"});
  CHECK(flood.exit_code == 8);
  CHECK(contains(flood.err, "more than 20 interim (1xx) responses"));
  const auto silent = uhttpget({peer.base + "/silent"});
  CHECK(silent.exit_code == 52);
  CHECK(contains(silent.err, "the server closed the connection unanswered"));
}

// --- redirects and status ----------------------------------------------------------

TEST_CASE("location follows redirects up to max-redirs", "[uhttpget]") {
  Peer peer;
  const auto unfollowed = uhttpget({"-i", peer.base + "/redirect/3"});
  CHECK(unfollowed.exit_code == 0);
  CHECK(unfollowed.out.rfind("HTTP/1.1 302 ", 0) == 0);

  const auto followed = uhttpget({"-L", "--summary", "-", peer.base + "/redirect/3"});
  CHECK(followed.exit_code == 0);
  CHECK(followed.out.rfind("arrived\n{", 0) == 0);
  CHECK(contains(followed.out, "\"redirects\": 3"));
  CHECK(contains(followed.out, "\"effective_url\": \"" + peer.base + "/redirect/0\""));

  const auto too_many = uhttpget({"-L", "--max-redirs", "2", peer.base + "/redirect/3"});
  CHECK(too_many.exit_code == 47);
  CHECK(contains(too_many.err, "uhttpget: error: stopped after 2 redirects (--max-redirs)"));
  const auto loop = uhttpget({"-L", peer.base + "/loop"});
  CHECK(loop.exit_code == 47);
}

TEST_CASE("include with location shows every head and verbose logs them", "[uhttpget]") {
  Peer peer;
  const auto result = uhttpget({"-i", "-L", "-v", peer.base + "/redirect/1"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("HTTP/1.1 302 Status\r\n", 0) == 0);
  CHECK(contains(result.out, "Location: /redirect/0\r\n\r\nHTTP/1.1 200 Status\r\n"));
  CHECK(result.out.substr(result.out.size() - 8) == "arrived\n");
  CHECK(contains(result.err, "uhttpget: info: > GET /redirect/1 HTTP/1.1\n"));
  CHECK(contains(result.err, "uhttpget: info: < HTTP/1.1 302 Status\n"));
  CHECK(contains(result.err,
                 "uhttpget: info: following the 302 redirect to " + peer.base + "/redirect/0\n"));
}

TEST_CASE("303 turns a POST into a GET and 307 keeps it", "[uhttpget]") {
  Peer peer;
  const auto see_other = uhttpget({"-L", "-d", "payload", peer.base + "/see-other"});
  CHECK(see_other.out.rfind("GET /echo HTTP/1.1\r\n", 0) == 0);
  CHECK_FALSE(contains(see_other.out, "payload"));
  const auto temporary = uhttpget({"-L", "-d", "payload", peer.base + "/temporary"});
  CHECK(temporary.out.rfind("POST /echo HTTP/1.1\r\n", 0) == 0);
  CHECK(temporary.out.substr(temporary.out.size() - 7) == "payload");
}

TEST_CASE("credentials are not sent to another origin after a redirect", "[uhttpget]") {
  Peer peer;
  const auto result = uhttpget({"-L", "-u", "alice:secret", peer.base + "/elsewhere/" + peer.port});
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("GET /echo HTTP/1.1\r\nHost: localhost:" + peer.port, 0) == 0);
  CHECK_FALSE(contains(result.out, "Authorization"));
}

TEST_CASE("fail turns a status of 400 or more into exit 22 with no output", "[uhttpget]") {
  Peer peer;
  const auto plain = uhttpget({peer.base + "/status/404"});
  CHECK(plain.exit_code == 0);
  CHECK(plain.out == "status body\n");
  const auto failed = uhttpget({"--fail", peer.base + "/status/503"});
  CHECK(failed.exit_code == 22);
  CHECK(failed.out.empty());
  CHECK(contains(failed.err, "uhttpget: error: the server answered 503 Status"));
}

// --- output files --------------------------------------------------------------------

TEST_CASE("output writes the file only once complete", "[uhttpget]") {
  Folder served;
  const std::string content = random_bytes(1 << 20);
  served.add("file.bin", content);
  PythonServer server(served);
  Folder target;
  const auto result = uhttpget({"-o", target.path() + "/copy.bin", server.url + "file.bin"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK(target.names() == std::vector<std::string>{"copy.bin"});
  CHECK(read_file(target.path() + "/copy.bin") == content);
  struct stat info {};
  REQUIRE(::stat((target.path() + "/copy.bin").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == (0666 & ~0022));
}

TEST_CASE("output to a device is written directly", "[uhttpget]") {
  Peer peer;
  const auto result = uhttpget({"-o", "/dev/null", "--summary", "-", peer.base + "/chunked"});
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "\"body_bytes\": 790"));
}

TEST_CASE("an interrupted download leaves no file", "[uhttpget]") {
  Peer peer;
  Folder target;
  Background download(
      {tool_path("uhttpget"), "-v", "-o", target.path() + "/slow.bin", peer.base + "/slow"});
  download.wait_for_stderr("< Content-Length: 10");
  // The temporary file exists while the body arrives, under a name that
  // does not look like the download.
  REQUIRE(target.names().size() == 1);
  CHECK(target.names()[0].rfind(".slow.bin.uhttpget-", 0) == 0);
  download.stop();
  CHECK(target.names().empty());
}

TEST_CASE("an output that cannot be written is exit 23", "[uhttpget]") {
  Peer peer;
  const auto result = uhttpget({"-o", "/no/such/dir/file", peer.base + "/echo"});
  CHECK(result.exit_code == 23);
  CHECK(contains(result.err, "uhttpget: error: cannot create a file in '/no/such/dir'"));
}

TEST_CASE("progress is drawn only on a terminal and not with silent", "[uhttpget]") {
  Peer peer;
  Folder target;
  // script(1) gives uhttpget a pseudo-terminal for stdout and stderr.
  const auto on_terminal = [&](const std::string& extra) {
    return run({"script", "-qec",
                tool_path("uhttpget") + " --max-time 2.5 " + extra + " -o " + target.path() +
                    "/slow.bin " + peer.base + "/slow",
                "/dev/null"});
  };
  const auto drawn = on_terminal("");
  CHECK(contains(drawn.out, " B / 10.0 B "));
  CHECK(contains(drawn.out, "\r\x1b[K"));
  const auto silent = on_terminal("-s");
  CHECK_FALSE(contains(silent.out, " B / 10.0 B "));
  CHECK(contains(silent.out, "--max-time 2.5 s"));
  // Not a terminal: never drawn.
  const auto piped = uhttpget({"--max-time", "1.5", "-o", "/dev/null", peer.base + "/slow"});
  CHECK_FALSE(contains(piped.err, " B / 10.0 B "));
}

// --- TLS ------------------------------------------------------------------------------

TEST_CASE("certificates are verified against the system store by default", "[uhttpget][tls]") {
  Folder folder;
  folder.add("index.html", "secret\n");
  Nginx nginx(folder.path(),
              usock::test::NginxTls{pki().path("localhost.pem"), pki().path("leaf.key")});
  const std::string port = std::to_string(nginx.tls_port());
  const auto unknown_ca = uhttpget({"https://localhost:" + port + "/"});
  CHECK(unknown_ca.exit_code == 60);
  CHECK(contains(unknown_ca.err,
                 "the certificate of localhost was refused "
                 "(unable to get local issuer certificate)"));
  CHECK(unknown_ca.out.empty());
  const auto by_ip =
      uhttpget({"--cacert", pki().path("ca.pem"), "https://127.0.0.1:" + port + "/"});
  CHECK(by_ip.exit_code == 0);
  CHECK(by_ip.out == "secret\n");
  const auto insecure = uhttpget({"-k", "https://localhost:" + port + "/"});
  CHECK(insecure.exit_code == 0);
  CHECK(insecure.out == "secret\n");
}

TEST_CASE("a wrong host or an expired certificate is exit 60 with the reason", "[uhttpget][tls]") {
  Folder folder;
  folder.add("index.html", "x");
  Nginx wrong(folder.path(),
              usock::test::NginxTls{pki().path("wrong.pem"), pki().path("leaf.key")});
  const auto mismatch = uhttpget({"--cacert", pki().path("ca.pem"),
                                  "https://localhost:" + std::to_string(wrong.tls_port()) + "/"});
  CHECK(mismatch.exit_code == 60);
  CHECK(contains(mismatch.err, "(hostname mismatch)"));
  Nginx expired(folder.path(),
                usock::test::NginxTls{pki().path("expired.pem"), pki().path("leaf.key")});
  const auto old = uhttpget({"--cacert", pki().path("ca.pem"),
                             "https://localhost:" + std::to_string(expired.tls_port()) + "/"});
  CHECK(old.exit_code == 60);
  CHECK(contains(old.err, "(certificate has expired)"));
}

TEST_CASE("TLS to a server that does not speak it is exit 35", "[uhttpget][tls]") {
  Folder folder;
  Nginx nginx(folder.path());
  // nginx answers the ClientHello with an HTTP 400 page and closes.
  const std::string port = std::to_string(nginx.port());
  const auto result = uhttpget({"https://127.0.0.1:" + port + "/"});
  CHECK(result.exit_code == 35);
  CHECK(contains(result.err, "uhttpget: error: TLS handshake with 127.0.0.1:" + port + " failed"));
}

TEST_CASE("openssl s_server answers over TLS", "[uhttpget][tls]") {
  const int port = free_tcp_port();
  Background server({"openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert",
                     pki().path("localhost.pem"), "-key", pki().path("leaf.key"), "-www",
                     "-quiet"});
  wait_for_port(port);
  const auto result = uhttpget({"--cacert", pki().path("ca.pem"), "--summary", "-",
                                "https://localhost:" + std::to_string(port) + "/"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("<HTML>", 0) == 0);
  CHECK(contains(result.out, "\"tls_version\": \"TLSv1.3\""));
}

// --- connections, time and addresses ---------------------------------------------------

TEST_CASE("a refused port is exit 7 and an unknown name exit 6", "[uhttpget]") {
  const std::string port = std::to_string(free_tcp_port());
  const auto refused = uhttpget({"http://127.0.0.1:" + port + "/"});
  CHECK(refused.exit_code == 7);
  CHECK(contains(refused.err, "uhttpget: error: cannot connect to 127.0.0.1:" + port +
                                  " (Connection refused, ECONNREFUSED, 111)"));
  const auto unknown = uhttpget({"http://no-such-host.invalid/"});
  CHECK(unknown.exit_code == 6);
  CHECK(contains(unknown.err, "uhttpget: error: cannot resolve 'no-such-host.invalid'"));
}

TEST_CASE("each resolved address is tried in turn", "[uhttpget]") {
  // A private /etc/hosts (a mount namespace, so root only, as in CI) gives
  // the name ::1 first, where nothing listens, then 127.0.0.1.
  Folder folder;
  const auto hosts = folder.add("hosts", "127.0.0.1 localhost\n127.0.0.1 two.test\n::1 two.test\n");
  Peer peer;
  const auto result =
      run({"unshare", "--mount", "--propagation", "private", "sh", "-c",
           "mount --bind \"$1\" /etc/hosts && exec \"$0\" --trace --first-line \"$2\"",
           tool_path("uhttpget"), hosts, "http://two.test:" + peer.port + "/echo"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "HTTP/1.1 200 Status\n");
  CHECK(contains(result.err, ">>> s.connect(('::1', " + peer.port +
                                 ", 0, 0))\nOSError: [Errno 111] ECONNREFUSED\n>>> s.close()\n"));
  CHECK(contains(result.err, ">>> s.connect(('127.0.0.1', " + peer.port + "))\n"));
}

TEST_CASE("max-time bounds the whole transfer with exit 28", "[uhttpget]") {
  Peer peer;
  Folder target;
  const auto result =
      uhttpget({"--max-time", "1.5", "-o", target.path() + "/slow.bin", peer.base + "/slow"});
  CHECK(result.exit_code == 28);
  CHECK(contains(result.err, "uhttpget: error: the transfer took longer than --max-time 1.5 s"));
  CHECK(target.names().empty());
}

TEST_CASE("connect-timeout bounds connecting with exit 28", "[uhttpget]") {
  Peer peer({"--full-backlog"});
  const auto result = uhttpget({"--connect-timeout", "0.5", peer.base + "/"});
  CHECK(result.exit_code == 28);
  CHECK(contains(result.err, "uhttpget: error: cannot connect to 127.0.0.1:" + peer.port +
                                 " in time (Connection timed out, ETIMEDOUT, 110)"));
}

TEST_CASE("IPv6 literals connect over ::1", "[uhttpget]") {
  Peer peer({"-6"});
  const auto result = uhttpget({"http://[::1]:" + peer.port + "/echo"});
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "\r\nHost: [::1]:" + peer.port + "\r\n"));
}

// --- bad input ---------------------------------------------------------------------------

TEST_CASE("malformed URLs are exit 3 with the reason", "[uhttpget]") {
  for (const std::string url : {"ftp://example.com/", "http://", "http://host:99999/",
                                "http://[::1/", "no scheme at all", "http://ho st/"}) {
    INFO(url);
    const auto result = uhttpget({url});
    CHECK(result.exit_code == 3);
    CHECK(contains(result.err, "uhttpget: error: malformed URL '" + url + "' ("));
  }
}

TEST_CASE("bad options are usage errors", "[uhttpget]") {
  CHECK(uhttpget({"-H", "no colon", "http://127.0.0.1/"}).exit_code == 2);
  CHECK(uhttpget({"-H", "Bad Name: x", "http://127.0.0.1/"}).exit_code == 2);
  CHECK(uhttpget({"-X", "GET BAD", "http://127.0.0.1/"}).exit_code == 2);
  CHECK(uhttpget({"--bytes", "lots", "http://127.0.0.1/"}).exit_code == 2);
  CHECK(uhttpget({"--max-time", "-1", "http://127.0.0.1/"}).exit_code == 2);
  CHECK(uhttpget({}).exit_code == 2);
}

TEST_CASE("summary reports a failure with its exit code and message", "[uhttpget]") {
  const std::string port = std::to_string(free_tcp_port());
  Folder target;
  const auto result =
      uhttpget({"--summary", target.path() + "/s.json", "http://127.0.0.1:" + port + "/"});
  CHECK(result.exit_code == 7);
  const std::string summary = read_file(target.path() + "/s.json");
  CHECK(contains(summary, "\"status\": 0"));
  CHECK(contains(summary, "\"exit_code\": 7"));
  CHECK(contains(summary, "\"error\": \"cannot connect to 127.0.0.1:" + port));
  // Valid JSON, as a script's parser sees it.
  const auto parsed = run({"python3", "-c",
                           "import json,sys; d=json.load(open(sys.argv[1])); print(d['exit_code'])",
                           target.path() + "/s.json"});
  CHECK(parsed.out == "7\n");
}
