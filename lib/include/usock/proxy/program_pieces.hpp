#pragma once
// Cutting a Python program into pieces for the raw REPL (PROTOCOL.md 7.7):
// the board compiles each exec whole, and compiling takes about four times
// the text's size in heap, so one exec of the whole agent needs more heap
// than small boards have. Pieces run one after the other in the REPL's
// global namespace, as repeated `mpremote exec` do, and mean what the whole
// program means: they are cut only between top-level statements.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace usock::proxy {

// A piece costs about four times its size in compile heap, one more exec a
// round trip. For the agent (tests/firmware/micropython_vm.mjs) the peak is
// the compile of a late piece on top of what the pieces before it keep: 4 KB
// pieces (14) need 53.9 KB of heap, 3 KB 49.9 KB, 2 KB (29) 46.7 KB, which is
// no more than the agent then runs in (47.1 KB); 1 KB pieces (60) need as
// much, its largest statements being over 2 KB.
constexpr std::size_t kProgramPiece = 2048;

// Pieces of at most `limit` bytes, each a run of whole top-level statements;
// a statement longer than `limit` is a piece of its own. A program whose
// statements cannot be told apart with certainty (an unterminated string or
// bracket) is one piece: the board's compiler will say what is wrong.
std::vector<std::string> split_program(std::string_view program, std::size_t limit = kProgramPiece);

}  // namespace usock::proxy
