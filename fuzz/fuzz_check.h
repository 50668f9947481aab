#pragma once

// A property a fuzz target checks beyond "does not crash": a broken one aborts, so libFuzzer
// reports it as a crash and keeps the input.

#include <cstdio>
#include <cstdlib>

namespace ys::fuzz {

inline void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property broken: %s\n", what);
  std::abort();
}

}  // namespace ys::fuzz
