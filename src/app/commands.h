// The CLI sub-commands. Each registers itself on the CLI11 app and runs when chosen.
#pragma once

#include <CLI/CLI.hpp>

namespace civicgrid::app {

// Each returns the process exit code once the command has run; registration happens first.
void add_serve_command(CLI::App& cli, int& exit_code);
void add_user_commands(CLI::App& cli, int& exit_code);
void add_apikey_commands(CLI::App& cli, int& exit_code);
void add_audit_commands(CLI::App& cli, int& exit_code);
void add_import_commands(CLI::App& cli, int& exit_code);
void add_text_commands(CLI::App& cli, int& exit_code);
// `text hot-issues` and `text reply-quality`, under the `text` command.
void add_text_hot_reply_commands(CLI::App& text, int& exit_code);
void add_demo_commands(CLI::App& cli, int& exit_code);
void add_migrate_store_command(CLI::App& cli, int& exit_code);

}  // namespace civicgrid::app
