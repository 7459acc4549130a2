#include "pki.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "process.hpp"

namespace usock::test {

Pki::Pki() {
  char dir[] = "/tmp/usock-pki-XXXXXX";
  if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = dir;
  std::filesystem::create_directory(dir_ + "/db");
  std::ofstream(dir_ + "/db/index.txt");
  std::ofstream(dir_ + "/db/serial") << "01\n";
  // `openssl ca` rather than `x509 -req`: OpenSSL 3.0 can backdate a
  // certificate only there (-startdate/-enddate).
  std::ofstream(dir_ + "/ca.cnf") << "[ca]\ndefault_ca = test\n[test]\n"
                                     "database = db/index.txt\nserial = db/serial\n"
                                     "new_certs_dir = db\ndefault_md = sha256\n"
                                     "policy = any\ncopy_extensions = copy\n"
                                     "unique_subject = no\n[any]\ncommonName = supplied\n";
  openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
           "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=usock test CA"});
  openssl(
      {"genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "leaf.key"});
  sign("localhost", "localhost", "DNS:localhost,IP:127.0.0.1", {"-days", "2"});
  sign("expired", "localhost", "DNS:localhost,IP:127.0.0.1",
       {"-startdate", "20200101000000Z", "-enddate", "20200102000000Z"});
  sign("wrong", "wrong.example", "DNS:wrong.example", {"-days", "2"});
}

Pki::~Pki() {
  std::filesystem::remove_all(dir_);
}

void Pki::openssl(std::vector<std::string> args) const {
  args.insert(args.begin(), "openssl");
  // openssl ca resolves the paths in its config from the working directory.
  const std::string command = "cd '" + dir_ + "' && exec \"$@\"";
  args.insert(args.begin(), {"sh", "-c", command, "sh"});
  const auto result = run(args);
  if (result.exit_code != 0) throw std::runtime_error("openssl failed: " + result.err);
}

void Pki::sign(const std::string& name, const std::string& host, const std::string& san,
               std::vector<std::string> validity) const {
  openssl({"req", "-new", "-key", "leaf.key", "-out", name + ".csr", "-subj", "/CN=" + host,
           "-addext", "subjectAltName=" + san});
  std::vector<std::string> args = {"ca",     "-batch",      "-config", "ca.cnf", "-cert",
                                   "ca.pem", "-keyfile",    "ca.key",  "-in",    name + ".csr",
                                   "-out",   name + ".pem", "-notext"};
  args.insert(args.end(), validity.begin(), validity.end());
  openssl(args);
}

const Pki& pki() {
  static const Pki made;
  return made;
}

}  // namespace usock::test
