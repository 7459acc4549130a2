#pragma once
// ugetaddr's output formats. Each returns the whole text, ending in a newline.

#include <string>
#include <vector>

#include "cli.hpp"
#include "usock/address.hpp"

namespace ugetaddr {

// The listing of the MicroPython tutorial (seed 000), three lines a result:
//   Family: 2, Type: 1
//   Protocol: 6, Canonical Name:
//   IP: 127.0.0.1, Port: 80
std::string format_listing(const std::vector<usock::AddrInfo>& infos);
// The Python repr of the list: [(2, 1, 6, '', ('127.0.0.1', 80))]
std::string format_python(const std::vector<usock::AddrInfo>& infos);
// A JSON array, one object a line.
std::string format_json(const std::vector<usock::AddrInfo>& infos);
// Each distinct address once, in resolver order.
std::string format_brief(const std::vector<usock::AddrInfo>& infos);

std::string format_results(Format format, const std::vector<usock::AddrInfo>& infos);
std::string format_name(Format format, const usock::NameInfo& name);

}  // namespace ugetaddr
