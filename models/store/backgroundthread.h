#pragma once
// Naming and scheduling the store's own threads.

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tg {

/// How far behind ingest a background thread runs: its nice value (Linux threads each have their
/// own). Raising it needs no privileges; it can never be lowered again by an ordinary user.
constexpr int kBehindIngestNiceness = 10;

/// Names the calling thread (at most 15 characters show in `top -H`).
inline void nameThisThread(const char *name)
{
    pthread_setname_np(pthread_self(), name);
}

/// Names the calling thread and lowers its scheduling priority, so that on a busy machine the
/// threads that answer clients (the HTTP loop, the parsing workers and the store writer) get the
/// cores first. For work that may lag behind ingest: copying the WAL into the database, freeing
/// committed batches, full-text indexing. On a 2-core machine under full load the writer
/// otherwise spends about a fifth of its time waiting for a core these threads hold.
inline void runBehindIngest(const char *name)
{
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kBehindIngestNiceness);
    nameThisThread(name);
}

} // namespace tg
