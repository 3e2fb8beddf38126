#pragma once

namespace tg {

/// traceglass export --db FILE --format otlp-json|otlp-jsonl|otlp-protobuf|langfuse-json|csv
///     [filters] [redaction] -o FILE
/// Writes the traces a filter selects (all by default); "-o -" writes to stdout.
int runExportCommand(int argc, char *argv[]);

} // namespace tg
