#include "ingestpipeline.h"

#include "domain/timeformat.h"
#include "mapping/otlptracemapper.h"
#include "redaction.h"
#include "store/tracestore.h"

#include <QSet>

namespace tg {

IngestPipeline::IngestPipeline(TraceStore *store)
    : m_store(store)
{
}

bool IngestPipeline::prepare(QString *error)
{
    m_sourceId = m_store->ensureSource(
        SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local receiver"), {}, error);
    return m_sourceId > 0;
}

void IngestPipeline::setBatchObserver(std::function<void(const ReceivedBatch &)> observer)
{
    m_observer = std::move(observer);
}

void IngestPipeline::ingestTraces(
    OtlpMappingResult mapped, const QString &protocol, qint64 bytes, Clock::time_point received, Done done)
{
    const qint64 accepted = mapped.acceptedSpans;
    const qint64 rejected = mapped.rejectedSpans;
    const QString message = mapped.errorMessage();
    if (accepted == 0 && rejected > 0) {
        // Every span was unusable: still a 200 with partial success (the spec says the request
        // itself was well-formed), nothing to store.
        m_spansRejected += rejected;
        done(IngestOutcome { IngestOutcome::Kind::Stored, 0, rejected, message });
        return;
    }
    // OTLP mapping yields one record per span and per trace, so there is nothing to deduplicate.
    const qint64 spans = static_cast<qint64>(mapped.batch.observations.size());
    const qint64 traces = static_cast<qint64>(mapped.batch.traces.size());
    submitBatch(std::move(mapped.batch), spans, traces, rejected, protocol, bytes, received,
        [done = std::move(done), message](const IngestOutcome &outcome) {
            IngestOutcome withMessage = outcome;
            if (outcome.kind == IngestOutcome::Kind::Stored)
                withMessage.message = message;
            done(withMessage);
        });
}

namespace {

/// Records in a batch, counting an id once: a Langfuse batch carries a create and its updates as
/// separate records of the same observation.
template<typename Records> qint64 distinctCount(const Records &records)
{
    if (records.size() < 2)
        return static_cast<qint64>(records.size());
    QSet<QString> ids;
    ids.reserve(static_cast<qsizetype>(records.size()));
    for (const auto &record : records)
        ids.insert(record.id);
    return ids.size();
}

} // namespace

void IngestPipeline::ingestBatch(WriteBatch batch, qint64 rejected, const QString &protocol, qint64 bytes,
    Clock::time_point received, Done done)
{
    const qint64 spans = distinctCount(batch.observations);
    const qint64 traces = distinctCount(batch.traces);
    submitBatch(std::move(batch), spans, traces, rejected, protocol, bytes, received, std::move(done));
}

void IngestPipeline::submitBatch(WriteBatch batch, qint64 spans, qint64 traces, qint64 rejected,
    const QString &protocol, qint64 bytes, Clock::time_point received, Done done)
{
    if (batch.isEmpty()) {
        m_spansRejected += rejected;
        done(IngestOutcome { IngestOutcome::Kind::Stored, 0, rejected, {} });
        return;
    }
    batch.sourceId = m_sourceId;
    auto callback = [this, spans, rejected, traces, bytes, received, protocol, done](
                        const CommitResult &result) {
        if (!result.ok) {
            noteFailure(QStringLiteral("store write failed: %1").arg(result.error));
            done(IngestOutcome { IngestOutcome::Kind::Failed, 0, spans + rejected, result.error });
            return;
        }
        m_spansAccepted += spans;
        m_spansRejected += rejected;
        if (m_observer) {
            ReceivedBatch note;
            note.protocol = protocol;
            note.spans = spans;
            note.rejected = rejected;
            note.traces = traces;
            note.bytes = bytes;
            note.milliseconds = std::chrono::duration<double, std::milli>(Clock::now() - received).count();
            m_observer(note);
        }
        done(IngestOutcome { IngestOutcome::Kind::Stored, spans, rejected, {} });
    };
    switch (m_store->submit(std::move(batch), std::move(callback))) {
    case SubmitStatus::Queued:
        return;
    case SubmitStatus::Overloaded:
        noteRefused();
        done(IngestOutcome { IngestOutcome::Kind::Overloaded, 0, 0,
            QStringLiteral("the local store is busy; retry after a second") });
        return;
    case SubmitStatus::Closed:
    case SubmitStatus::Invalid:
        noteFailure(QStringLiteral("the local store is not accepting data"));
        done(IngestOutcome {
            IngestOutcome::Kind::Failed, 0, 0, QStringLiteral("the local store is not accepting data") });
        return;
    }
}

void IngestPipeline::noteRequest(qint64 bytes)
{
    ++m_requests;
    m_bytes += bytes;
}

void IngestPipeline::noteLogs(qint64 records)
{
    m_logRecords += records;
}

void IngestPipeline::noteMetrics(qint64 points)
{
    m_metricPoints += points;
}

void IngestPipeline::noteIngestionEvents(qint64 events)
{
    m_ingestionEvents += events;
}

void IngestPipeline::noteRefused()
{
    ++m_refused;
}

void IngestPipeline::noteFailure(const QString &error)
{
    ++m_failed;
    std::lock_guard lock(m_errorMutex);
    m_lastError = redactSecrets(error);
    m_lastErrorNs = nowNs();
}

ReceiverStats IngestPipeline::stats() const
{
    ReceiverStats s;
    s.requests = m_requests;
    s.spansAccepted = m_spansAccepted;
    s.spansRejected = m_spansRejected;
    s.ingestionEvents = m_ingestionEvents;
    s.logRecords = m_logRecords;
    s.metricPoints = m_metricPoints;
    s.bytesReceived = m_bytes;
    s.refused = m_refused;
    s.failed = m_failed;
    std::lock_guard lock(m_errorMutex);
    s.lastError = m_lastError;
    s.lastErrorNs = m_lastErrorNs;
    return s;
}

} // namespace tg
