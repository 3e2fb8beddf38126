#pragma once

namespace tg {

/// traceglass receive --db FILE [--port N] [--grpc-port N] [--address A] [--no-grpc] ...
/// Runs the receiver without a window, prints one line per committed batch, and on SIGINT or
/// SIGTERM stops after committing everything it accepted.
int runReceiveCommand(int argc, char *argv[]);

} // namespace tg
