#include "request.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "base64.hpp"
#include "cli.hpp"
#include "exit_codes.hpp"
#include "tool.hpp"
#include "usock/http/head.hpp"
#include "version.hpp"

namespace uhttpget {
namespace {

using usock::cli::Failure;

std::string read_body(const std::string& data) {
  if (data.empty() || data[0] != '@') return data;
  const std::string path = data.substr(1);
  if (path == "-") {
    return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  }
  const auto unreadable = [&path](int code) {
    return Failure(usock::cli::kExitRead, "cannot read the request body from '" + path + "'",
                   std::strerror(code));
  };
  // A directory opens like a file and reads as empty: refuse it by name.
  if (std::filesystem::is_directory(path)) throw unreadable(EISDIR);
  std::ifstream file(path, std::ios::binary);
  if (!file) throw unreadable(errno);
  std::string body(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>{});
  if (file.bad()) throw unreadable(errno);
  return body;
}

std::pair<std::string, std::string> split_header(const std::string& line) {
  const auto colon = line.find(':');
  std::string value = line.substr(colon + 1);
  value.erase(0, value.find_first_not_of(" \t"));
  return {line.substr(0, colon), value};
}

}  // namespace

Request::Request(const Options& options) : method_(options.method), bare_http10_(options.http10) {
  if (options.data) body_ = read_body(*options.data);
  if (method_.empty()) method_ = options.head ? "HEAD" : body_ ? "POST" : "GET";
  for (const auto& line : options.headers)
    extra_headers_.push_back(split_header(line));
  if (options.user) use_credentials(*options.user);
}

void Request::use_credentials(std::string_view user_and_password) {
  authorization_ = "Basic " + base64_encode(user_and_password);
}

void Request::follow_redirect(int status) {
  const bool becomes_get = (status == 303 && method_ != "HEAD") ||
                           ((status == 301 || status == 302) && method_ == "POST");
  if (becomes_get) {
    method_ = "GET";
    body_.reset();
  }
}

std::string Request::render(const usock::http::Url& url) const {
  // The defaults, in the order curl sends them; a -H of the same name
  // replaces one in place, and "Name:" with no value removes it.
  std::vector<std::pair<std::string, std::string>> fields;
  if (!bare_http10_) {
    fields = {{"Host", url.authority()},
              {"User-Agent", "uhttpget/" + std::string(usock::cli::version_number())},
              {"Accept", "*/*"},
              {"Connection", "close"}};
  }
  if (authorization_) fields.emplace_back("Authorization", *authorization_);
  if (body_) {
    fields.emplace_back("Content-Length", std::to_string(body_->size()));
    if (!bare_http10_) fields.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  }
  for (const auto& [name, value] : extra_headers_) {
    bool replaced = false;
    for (auto& field : fields) {
      if (usock::http::iequals(field.first, name)) {
        field.second = value;
        replaced = true;
      }
    }
    if (!replaced) fields.emplace_back(name, value);
  }

  std::string out = method_ + " " + url.target + (bare_http10_ ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
  for (const auto& [name, value] : fields) {
    if (!value.empty()) out += name + ": " + value + "\r\n";
  }
  out += "\r\n";
  if (body_) out += *body_;
  return out;
}

}  // namespace uhttpget
