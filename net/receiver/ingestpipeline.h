#pragma once

#include "domain/records.h"
#include "mapping/otlptracemapper.h"
#include "receiver/receiveroptions.h"

#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>

namespace tg {

class TraceStore;

/// What became of one request's data.
struct IngestOutcome
{
    enum class Kind {
        Stored, ///< committed (accepted may be 0 for an empty request)
        Invalid, ///< nothing usable; a 400 with `message`
        Overloaded, ///< the store's queue is full; retry later (429)
        Failed, ///< the store could not write it; retry later (503)
    };
    Kind kind = Kind::Stored;
    qint64 accepted = 0;
    qint64 rejected = 0;
    QString message; ///< partial-success or error text
};

/// The receiver's path from decoded requests to the store, shared by HTTP and gRPC: maps OTel
/// spans and Langfuse events to records, submits them to the store's writer and reports back
/// only after the commit ("accepted means stored"). Keeps the receiver's counters.
class IngestPipeline
{
public:
    using Done = std::function<void(const IngestOutcome &)>;
    using Clock = std::chrono::steady_clock;

    explicit IngestPipeline(TraceStore *store);

    /// Creates (or finds) the "Local receiver" source; false and `error` when the store refuses.
    bool prepare(QString *error);
    qint64 sourceId() const { return m_sourceId; }
    TraceStore *store() const { return m_store; }

    /// Stores one mapped OTLP export; `done` runs on the writer thread after the commit, or at
    /// once on the calling thread when the request is refused.
    void ingestTraces(OtlpMappingResult mapped, const QString &protocol, qint64 bytes,
        Clock::time_point received, Done done);
    /// Stores records that were already mapped (Langfuse ingestion: a create and its updates
    /// count as one observation).
    void ingestBatch(WriteBatch batch, qint64 rejected, const QString &protocol, qint64 bytes,
        Clock::time_point received, Done done);

    void noteRequest(qint64 bytes);
    void noteLogs(qint64 records);
    void noteMetrics(qint64 points);
    void noteIngestionEvents(qint64 events);
    void noteRefused();
    void noteFailure(const QString &error);
    ReceiverStats stats() const;

    /// Called on the writer thread after each committed batch (keep it short).
    void setBatchObserver(std::function<void(const ReceivedBatch &)> observer);

private:
    /// Stores a batch of `spans` distinct observations in `traces` distinct traces.
    void submitBatch(WriteBatch batch, qint64 spans, qint64 traces, qint64 rejected, const QString &protocol,
        qint64 bytes, Clock::time_point received, Done done);

    TraceStore *m_store;
    qint64 m_sourceId = 0;
    std::atomic<qint64> m_requests { 0 };
    std::atomic<qint64> m_spansAccepted { 0 };
    std::atomic<qint64> m_spansRejected { 0 };
    std::atomic<qint64> m_ingestionEvents { 0 };
    std::atomic<qint64> m_logRecords { 0 };
    std::atomic<qint64> m_metricPoints { 0 };
    std::atomic<qint64> m_bytes { 0 };
    std::atomic<qint64> m_refused { 0 };
    std::atomic<qint64> m_failed { 0 };
    mutable std::mutex m_errorMutex;
    QString m_lastError;
    qint64 m_lastErrorNs = 0;
    std::function<void(const ReceivedBatch &)> m_observer;
};

} // namespace tg
