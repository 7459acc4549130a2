// Cutting a program for the raw REPL (PROTOCOL.md 7.7): only between
// top-level statements, so that the pieces, run one after the other in one
// namespace, mean what the whole program means.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "usock/proxy/program_pieces.hpp"

using usock::proxy::split_program;
using Pieces = std::vector<std::string>;

TEST_CASE("pieces hold whole top-level statements up to the limit") {
  CHECK(split_program("a = 1\nb = 2\nc = 3\n", 12) == Pieces{"a = 1\nb = 2\n", "c = 3\n"});
  CHECK(split_program("a = 1\nb = 2\nc = 3\n", 100) == Pieces{"a = 1\nb = 2\nc = 3\n"});
  CHECK(split_program("a = 1\nb = 2\n", 1) == Pieces{"a = 1\n", "b = 2\n"});
  CHECK(split_program("", 1) == Pieces{""});
}

TEST_CASE("a statement longer than the limit is a piece of its own") {
  CHECK(split_program("x = 1\ndef f():\n    return 1\ny = 2\n", 8) ==
        Pieces{"x = 1\n", "def f():\n    return 1\n", "y = 2\n"});
}

TEST_CASE("unindented lines that continue a statement stay with it") {
  const std::string program =
      "if a:\n b = 1\nelif c:\n b = 2\nelse:\n b = 3\n"
      "try:\n d = 1\nexcept OSError:\n d = 2\nfinally:\n e = 1\n"
      "for i in x:\n pass\nelse:\n pass\n";
  CHECK(split_program(program, 1) ==
        Pieces{"if a:\n b = 1\nelif c:\n b = 2\nelse:\n b = 3\n",
               "try:\n d = 1\nexcept OSError:\n d = 2\nfinally:\n e = 1\n",
               "for i in x:\n pass\nelse:\n pass\n"});
  // Names that only begin like those words are statements.
  CHECK(split_program("x = 1\nelsewhere = 2\n", 1) == Pieces{"x = 1\n", "elsewhere = 2\n"});
}

TEST_CASE("decorators stay with what they decorate") {
  CHECK(split_program("x = 1\n@a\n@b(1)\ndef f():\n pass\n", 1) ==
        Pieces{"x = 1\n", "@a\n@b(1)\ndef f():\n pass\n"});
}

TEST_CASE("brackets, strings, comments and backslashes continue a statement") {
  CHECK(split_program("x = (1,\n2)\ny = [\n'a(',\n]\n", 1) ==
        Pieces{"x = (1,\n2)\n", "y = [\n'a(',\n]\n"});
  CHECK(split_program("s = '''\nz = 1\n'''\nt = 1\n", 1) ==
        Pieces{"s = '''\nz = 1\n'''\n", "t = 1\n"});
  CHECK(split_program("s = \"a\\\"(\"\nt = 1\n", 1) == Pieces{"s = \"a\\\"(\"\n", "t = 1\n"});
  CHECK(split_program("x = 1 + \\\n2\ny = 2\n", 1) == Pieces{"x = 1 + \\\n2\n", "y = 2\n"});
  CHECK(split_program("x = 1 # (\ny = 2\n", 1) == Pieces{"x = 1 # (\n", "y = 2\n"});
  // A comment line goes with the statement before it.
  CHECK(split_program("# a\nx = 1\n# b\ny = 2\n", 1) == Pieces{"# a\nx = 1\n# b\n", "y = 2\n"});
}

TEST_CASE("a program that cannot be read with certainty is one piece") {
  for (const std::string program :
       {"x = (1\ny = 2\n", "x = 1)\ny = 2\n", "x = 'a\ny = 2\n", "x = '''a\ny = 2\n"}) {
    CHECK(split_program(program, 1) == Pieces{program});
  }
}

TEST_CASE("the agent's pieces put together are the agent") {
  std::ifstream file(USOCK_EMBEDDED_AGENT);
  std::stringstream agent;
  agent << file.rdbuf();
  const Pieces pieces = split_program(agent.str());
  CHECK(pieces.size() > 1);
  std::string joined;
  for (const auto& piece : pieces)
    joined += piece;
  CHECK(joined == agent.str());
}
