// vigil: the reference command-line front end. Everything it does lives in the libraries; this
// program only parses options and hands them to one command.
#include <cstdio>

#include "cli_options.h"
#include "commands.h"
#include "vigil/inspect/version.h"

int main(int argc, char** argv) {
  auto options = vigil::cli::parse_cli(argc, argv);
  if (!options) {
    std::fprintf(stderr, "vigil: %s\n", options.error().message.c_str());
    return 2;
  }
  if (options->help) {
    std::fwrite(vigil::cli::cli_usage().data(), 1, vigil::cli::cli_usage().size(), stdout);
    return 0;
  }
  if (options->version) {
    std::printf("vigil %s\n", vigil::inspect::version().data());
    return 0;
  }
  if (!options->output.empty()) return vigil::cli::run_write(*options);
  return vigil::cli::run_print(*options);
}
