// civicgrid: grassroots smart governance. The entry point only composes the sub-commands.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/commands.h"
#include "core/crypto.h"

int main(int argc, char** argv) {
  if (!civicgrid::crypto::init()) {
    std::fprintf(stderr, "civicgrid: libsodium failed to initialise\n");
    return 1;
  }
  CLI::App cli{"civicgrid — 基层智慧治理平台 (grassroots smart governance)"};
  cli.require_subcommand(1);
  int exit_code = 0;
  civicgrid::app::add_serve_command(cli, exit_code);
  civicgrid::app::add_user_commands(cli, exit_code);
  civicgrid::app::add_apikey_commands(cli, exit_code);
  civicgrid::app::add_audit_commands(cli, exit_code);
  civicgrid::app::add_import_commands(cli, exit_code);
  civicgrid::app::add_text_commands(cli, exit_code);
  civicgrid::app::add_demo_commands(cli, exit_code);
  civicgrid::app::add_migrate_store_command(cli, exit_code);
  CLI11_PARSE(cli, argc, argv);
  return exit_code;
}
