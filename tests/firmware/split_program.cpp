// The pieces the tools upload a program in (PROTOCOL.md 7.7), for
// micropython_vm.mjs to run on the VM as the raw REPL would:
//
//   split_program FILE [LIMIT]
//
// writes them to stdout, each followed by a NUL byte (Python source has none).
// LIMIT, the largest piece, defaults to the tools' own.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "usock/proxy/program_pieces.hpp"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::cerr << "usage: split_program FILE [LIMIT]\n";
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  if (!file) {
    std::cerr << "split_program: cannot read " << argv[1] << "\n";
    return 1;
  }
  std::stringstream program;
  program << file.rdbuf();
  const std::size_t limit =
      argc == 3 ? std::strtoull(argv[2], nullptr, 10) : usock::proxy::kProgramPiece;
  for (const auto& piece : usock::proxy::split_program(program.str(), limit))
    std::cout << piece << '\0';
  return std::cout.flush() ? 0 : 1;
}
