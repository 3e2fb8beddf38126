#pragma once

namespace tg {

/// traceglass stats [--db FILE] [--json]
/// What the store holds: sources with counts, totals, the forwarder's outbox per target.
int runStatsCommand(int argc, char *argv[]);

} // namespace tg
