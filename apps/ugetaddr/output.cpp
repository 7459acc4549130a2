#include "output.hpp"

#include <algorithm>

#include "json.hpp"

namespace ugetaddr {

using usock::cli::json_string;

std::string format_listing(const std::vector<usock::AddrInfo>& infos) {
  std::string out;
  for (const auto& info : infos) {
    out += "Family: " + std::to_string(static_cast<int>(info.family)) +
           ", Type: " + std::to_string(static_cast<int>(info.type)) + "\n";
    out += "Protocol: " + std::to_string(info.proto) + ", Canonical Name: " + info.canonname + "\n";
    out += "IP: " + info.addr.host() + ", Port: " + std::to_string(info.addr.port()) + "\n";
  }
  return out;
}

std::string format_python(const std::vector<usock::AddrInfo>& infos) {
  return usock::repr(infos) + "\n";
}

std::string format_json(const std::vector<usock::AddrInfo>& infos) {
  std::string out = "[";
  for (std::size_t i = 0; i < infos.size(); ++i) {
    const auto& info = infos[i];
    out += i == 0 ? "\n  {" : ",\n  {";
    out += "\"family\": " + std::to_string(static_cast<int>(info.family));
    out += ", \"family_name\": " + json_string(usock::family_name(info.family));
    out += ", \"type\": " + std::to_string(static_cast<int>(info.type));
    out += ", \"type_name\": " + json_string(usock::socktype_name(info.type));
    out += ", \"proto\": " + std::to_string(info.proto);
    out += ", \"proto_name\": " + json_string(usock::proto_name(info.proto));
    out += ", \"canonname\": " + json_string(info.canonname);
    out += ", \"address\": " + json_string(info.addr.host());
    out += ", \"port\": " + std::to_string(info.addr.port());
    if (info.family == usock::Family::inet6) {
      out += ", \"flowinfo\": " + std::to_string(info.addr.flowinfo());
      out += ", \"scope_id\": " + std::to_string(info.addr.scope_id());
    }
    out += "}";
  }
  return out + (infos.empty() ? "]\n" : "\n]\n");
}

std::string format_brief(const std::vector<usock::AddrInfo>& infos) {
  std::vector<std::string> seen;
  std::string out;
  for (const auto& info : infos) {
    std::string host = info.addr.host();
    if (std::find(seen.begin(), seen.end(), host) != seen.end()) continue;
    out += host + "\n";
    seen.push_back(std::move(host));
  }
  return out;
}

std::string format_results(Format format, const std::vector<usock::AddrInfo>& infos) {
  switch (format) {
    case Format::listing:
      return format_listing(infos);
    case Format::python:
      return format_python(infos);
    case Format::json:
      return format_json(infos);
    case Format::brief:
      return format_brief(infos);
  }
  return {};
}

std::string format_name(Format format, const usock::NameInfo& name) {
  switch (format) {
    case Format::listing:
      return "Host: " + name.host + ", Service: " + name.service + "\n";
    case Format::python:
      return usock::repr(name) + "\n";
    case Format::json:
      return "{\"host\": " + json_string(name.host) +
             ", \"service\": " + json_string(name.service) + "}\n";
    case Format::brief:
      return name.host + "\n";
  }
  return {};
}

}  // namespace ugetaddr
