// vigil: the reference command-line front end. Everything it does lives in the libraries; this
// program only parses options and hands them to one command.
#include <cstdio>

#include "cli_options.h"
#include "commands.h"
#include "vigil/inspect/version.h"

int main(int argc, char** argv) {
  using vigil::cli::Command;
  auto options = vigil::cli::parse_cli(argc, argv);
  if (!options) {
    std::fprintf(stderr, "vigil: %s\n", options.error().message.c_str());
    return 2;
  }
  switch (options->command) {
    case Command::Help:
      std::fwrite(vigil::cli::cli_usage().data(), 1, vigil::cli::cli_usage().size(), stdout);
      return 0;
    case Command::Version:
      std::printf("vigil %s\n", vigil::inspect::version().data());
      return 0;
    case Command::ListFields: return vigil::cli::run_list_fields(*options);
    case Command::Validate: return vigil::cli::run_validate(*options);
    case Command::ListRules: return vigil::cli::run_list_rules(*options);
    case Command::Write: return vigil::cli::run_write(*options);
    case Command::Print: return vigil::cli::run_print(*options);
    case Command::Detect: return vigil::cli::run_detect(*options);
  }
  return 2;
}
