# The tools usock-docgen documents, one a line. A tool NAME provides the
# library NAME_cli, whose header apps/NAME/cli.hpp declares NAME::Cli, a
# usock::cli::ToolCli holding every option. Listing it here generates its
# completions, checks its man page and adds its tests in tests/docs.
set(USOCK_DOCUMENTED_TOOLS
  ugetaddr
  uecho
  uhttpget
  userve
  uboard
)
