#pragma once

#include "domain/records.h"
#include "domain/rows.h"
#include "pricetable.h"
#include "replayrequest.h"
#include "replayresult.h"

#include <QMetaType>
#include <QString>

#include <optional>

namespace tg {

class StoreReader;
class TraceStore;

/// The recorded generation a replay starts from, read from the store.
struct ReplayOrigin
{
    qint64 sourceId = 0;
    QString sourceKey; ///< "local", "langfuse:<connection>/<project>", "replays", ...
    qint64 traceRk = 0;
    QString traceId;
    QString traceName;
    qint64 observationRk = 0;
    QString observationId;
    QString name; ///< the generation's name
    QString model;
    QByteArray input;
    QByteArray output;
    QByteArray modelParameters;
    QByteArray metadata;
    UsageDetails usage;
    CostDetails cost;
    qint64 latencyNs = kUnknownTime;
    qint64 ttftNs = kUnknownTime;

    /// The request it replays as (replayRequestFromGeneration on its payloads).
    ReplayRequest request() const;
    /// Its output as ReplayResult::comparableText renders replays.
    QString recordedText() const { return comparableOutputText(output); }

    /// Reads a GENERATION (any thread, own reader); nullopt and `error` when it is not one.
    static std::optional<ReplayOrigin> load(
        StoreReader &reader, qint64 observationRk, QString *error = nullptr);
    /// The GENERATIONs of these traces, in trace order then start time (observation row keys).
    static std::vector<qint64> generationsOf(StoreReader &reader, const QList<qint64> &traceRks);
};

/// One replay as it is stored: the origin, what was sent to whom, and what came back.
struct ReplayRecord
{
    ReplayOrigin origin;
    ReplayRequest request; ///< as sent (edited, with the model that ran)
    QByteArray sentBody; ///< the provider request body (stored as the input)
    ReplayResult result;
    QString providerName;
    QString variant; ///< "A", "B", ... or "batch"
    CostDetails cost; ///< see replayCost()
    QString costSource; ///< "provider", "price table" or empty (unknown)
    QString traceId; ///< generated when empty
};

/// The source replays are stored under.
inline constexpr char kReplaySourceKey[] = "replays";
qint64 ensureReplaySource(TraceStore &store, QString *error = nullptr);

/// The cost of a result: the provider's when it reported one, else from `prices`; `source` says which.
CostDetails replayCost(
    const ReplayResult &result, const QString &model, const PriceTable &prices, QString *source);

/// A replay as a trace with one GENERATION (usage, cost, latency, time to first token, finish
/// reason, level ERROR on failure), tagged "replay", in session "replay:<original trace id>", linked
/// by metadata replay_of {source, trace_id, observation_id}. Fills record.traceId when empty.
WriteBatch replayWriteBatch(ReplayRecord &record, qint64 sourceId);

/// Stores a replay under the Replays source (created on first use) and waits for the commit; retries
/// while the store is overloaded. Any thread but the store's writer; blocks, so not the GUI thread.
bool submitReplay(TraceStore &store, ReplayRecord &record, QString *error = nullptr);

/// The id of the GENERATION of a replay trace.
QString replayObservationId(const QString &replayTraceId);

} // namespace tg

Q_DECLARE_METATYPE(tg::ReplayOrigin)
