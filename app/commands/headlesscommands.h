#pragma once

namespace tg {

/// Runs a headless subcommand ("traceglass receive ..."); sets *handled when argv names one.
/// Returns the process exit code.
int runHeadlessCommand(int argc, char *argv[], bool *handled);

/// Exit codes of the headless commands (documented in the README).
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1, ///< the command ran and failed (store error, partial import, ...)
    ExitUsage = 2, ///< bad command line
    ExitStoreUnavailable = 3, ///< the store file cannot be opened or is of a newer schema
    ExitNetwork = 4, ///< a port cannot be bound or a host cannot be reached
};

} // namespace tg
