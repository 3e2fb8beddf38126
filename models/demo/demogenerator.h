#pragma once

#include "domain/records.h"
#include "domain/rows.h"

#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace tg {

/// What DemoGenerator produces. The same options always give the same data.
struct DemoOptions
{
    quint64 seed = 1;
    int traceCount = 200; ///< all traces, huge ones included
    int sessions = 40; ///< multi-turn sessions (0 = none); about 70% of ordinary traces belong to one
    qint64 startNs = 1'785'542'400'000'000'000LL; ///< first possible trace, 2026-08-01T00:00:00Z
    qint64 timeSpanNs = 7LL * 24 * 3600 * 1'000'000'000LL; ///< traces start within this span
    int hugeTraceCount = 0; ///< long agent runs among traceCount
    int hugeTraceObservations = 100'000; ///< observations in each huge trace, exactly
    int payloadBytes = 1024; ///< approximate size of a generation's input and output
    int batchObservations = 5'000; ///< observations per batch (see DemoGenerator::next())
    qint64 sourceId = 0; ///< copied into every WriteBatch
};

/// Realistic, deterministic agent traces for `--demo`, tests and store benchmarks: sessions of
/// several turns with user ids, agent/tool/generation trees of all ten observation types,
/// OpenAI and Anthropic chat payloads with tool calls, usage with cached and reasoning tokens,
/// costs from per-model prices, errors and warnings, tags, metadata, environments and scores.
/// Produces its output in batches so a million observations never sit in memory at once.
class DemoGenerator
{
public:
    explicit DemoGenerator(const DemoOptions &options = {});
    ~DemoGenerator();
    DemoGenerator(const DemoGenerator &) = delete;
    DemoGenerator &operator=(const DemoGenerator &) = delete;

    const DemoOptions &options() const { return m_options; }

    /// Replaces `batch` with the next chunk and returns true, or returns false when all data has
    /// been produced. A batch holds at most batchObservations observations, except that an
    /// ordinary trace is never split (a batch may hold one such trace beyond the limit); huge
    /// traces are split. A huge trace's root observation comes first without an end and its
    /// trace record without output; the last batch of that trace carries both as partial
    /// records with the same ids (as Langfuse SDKs send create and update events).
    bool next(WriteBatch &batch);
    /// Hands every remaining batch to `sink` until it returns false; returns the batch count.
    int generate(const std::function<bool(WriteBatch &&)> &sink);
    /// All remaining data in one batch; for small option sets.
    WriteBatch generateAll();

    /// Read-side rows from ingest records, as the store would return them: records with the
    /// same id merged (later non-empty fields win), tokens and cost summed from usage and cost
    /// details, row keys numbered from 1 in first-appearance order. With `traceId`, only that
    /// trace's observations.
    static std::vector<ObservationRow> toObservationRows(
        const std::vector<ObservationRecord> &records, const QString &traceId = {});

private:
    struct Planned;
    struct Session;
    struct HugeRun;

    void plan();
    WriteBatch generateTrace(const Planned &planned);
    void startHuge(const Planned &planned);
    void fillFromHuge(WriteBatch &batch, size_t limit);
    void addScores(WriteBatch &batch, const Planned &planned, const QString &traceId, qint64 endNs,
        bool failed, const std::vector<QString> &judged, quint64 seed);

    DemoOptions m_options;
    std::vector<Planned> m_plan;
    std::vector<Session> m_sessions;
    size_t m_nextPlanned = 0;
    std::optional<WriteBatch> m_carry; ///< a generated trace that did not fit the last batch
    std::unique_ptr<HugeRun> m_huge;
};

} // namespace tg
