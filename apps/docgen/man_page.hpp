#pragma once
// What a tool's mdoc(7) man page documents, read the way usock's pages are
// written: each option is one list item under OPTIONS, its names as Fl
// arguments and its value, if any, as Ar:
//   .It Fl 4 , Fl \-ipv4
//   .It Fl t , Fl \-type Ar type
// and the SYNOPSIS names the positional arguments with Ar.

#include <istream>
#include <string>
#include <vector>

namespace docgen {

struct ManOption {
  std::vector<std::string> names;  // "-t", "--type"
  bool takes_value = false;
  int line = 0;
};

struct ManPage {
  std::vector<ManOption> options;
  std::vector<std::string> synopsis_arguments;  // "host", "port"
};

ManPage read_man_page(std::istream& in);

}  // namespace docgen
