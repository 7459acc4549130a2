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
// the compile of a late piece on top of what the pieces before it keep.
// Measured on the agent as strip_agent.py now writes it (its methods of
// classes over 1 KB moved out, its names shortened): 2 KB pieces (23) need
// 42.4 KB of heap and the agent runs in 49.9 KB (43.7 KB at mtu 256); 1 KB
// pieces (49), 40.4 KB and 46.6 KB (40.6 KB); 512-byte pieces (88) no less.
// (Where the agent runs moves by a KB from one build to the next: it is
// where its buffers find room in a heap the upload fragmented.)
constexpr std::size_t kProgramPiece = 1024;

// Pieces of at most `limit` bytes, each a run of whole top-level statements;
// a statement longer than `limit` is a piece of its own. A program whose
// statements cannot be told apart with certainty (an unterminated string or
// bracket) is one piece: the board's compiler will say what is wrong.
std::vector<std::string> split_program(std::string_view program, std::size_t limit = kProgramPiece);

}  // namespace usock::proxy
