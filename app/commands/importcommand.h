#pragma once

namespace tg {

/// traceglass import FILE... [--db FILE] [--format F] [--quiet]
/// Reads trace files into the store, each as a source of its own; prints a summary per file and
/// its problems (by line or byte). Exit 1 when a file could not be read or had malformed parts.
int runImportCommand(int argc, char *argv[]);

} // namespace tg
