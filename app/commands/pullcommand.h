#pragma once

namespace tg {

/// traceglass pull --connection NAME [--since 24h] [--until T] [--db FILE] [--no-scores]
/// Downloads a time window of a Langfuse connection's project into the store.
int runPullCommand(int argc, char *argv[]);

} // namespace tg
