// vigil: the reference command-line front end. Everything it does lives in the libraries.
#include <cstdio>
#include <cstring>

#include "vigil/inspect/version.h"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("vigil %s\n", vigil::inspect::version().data());
      return 0;
    }
  }
  std::fprintf(stderr, "vigil: not implemented yet\n");
  return 2;
}
