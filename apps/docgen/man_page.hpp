#pragma once
// What a tool's mdoc(7) man page documents, read the way usock's pages are
// written: each option is one list item under OPTIONS, its names as Fl
// arguments and its value, if any, as Ar:
//   .It Fl 4 , Fl \-ipv4
//   .It Fl t , Fl \-type Ar type
// A subcommand's own options follow a subsection whose title ends in its name
// (".Ss server" or ".Ss uecho server"), and the SYNOPSIS names subcommands with Cm and positional
// arguments with Ar.

#include <istream>
#include <map>
#include <string>
#include <vector>

namespace docgen {

struct ManOption {
  std::vector<std::string> names;  // "-t", "--type"
  bool takes_value = false;
  int line = 0;
};

struct ManPage {
  // The items of OPTIONS by command: "" for the tool's, "server" for those
  // under ".Ss server".
  std::map<std::string, std::vector<ManOption>> options;
  std::vector<std::string> synopsis_arguments;  // "host", "port"
  std::vector<std::string> synopsis_commands;   // "server", "client"
};

ManPage read_man_page(std::istream& in);

}  // namespace docgen
