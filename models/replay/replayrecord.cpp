#include "replayrecord.h"

#include "store/storereader.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <QUuid>

#include <algorithm>

namespace tg {

namespace {

constexpr qint64 kNsPerMs = 1'000'000;

QJsonObject parametersJson(const ReplayParameters &p)
{
    QJsonObject o = p.extra;
    if (p.temperature)
        o.insert(QStringLiteral("temperature"), *p.temperature);
    if (p.topP)
        o.insert(QStringLiteral("top_p"), *p.topP);
    if (p.maxTokens)
        o.insert(QStringLiteral("max_tokens"), double(*p.maxTokens));
    if (!p.stop.isEmpty())
        o.insert(QStringLiteral("stop"), QJsonArray::fromStringList(p.stop));
    if (p.seed)
        o.insert(QStringLiteral("seed"), double(*p.seed));
    if (!p.responseFormat.isEmpty())
        o.insert(QStringLiteral("response_format"), QString::fromUtf8(p.responseFormat));
    if (!p.toolChoice.isEmpty())
        o.insert(QStringLiteral("tool_choice"), QString::fromUtf8(p.toolChoice));
    return o;
}

/// The output as an OpenAI-style assistant message, which the detail view reads as chat.
QByteArray outputJson(const ReplayResult &r)
{
    if (!r.ok && r.text.isEmpty() && r.toolCalls.empty())
        return QJsonDocument(QJsonObject { { QStringLiteral("error"), r.error } })
            .toJson(QJsonDocument::Compact);
    QJsonObject message { { QStringLiteral("role"), QStringLiteral("assistant") },
        { QStringLiteral("content"),
            r.text.isEmpty() && !r.toolCalls.empty() ? QJsonValue() : QJsonValue(r.text) } };
    if (!r.toolCalls.empty()) {
        QJsonArray calls;
        for (const ReplayToolCall &c : r.toolCalls)
            calls.append(QJsonObject { { QStringLiteral("id"), c.id },
                { QStringLiteral("type"), QStringLiteral("function") },
                { QStringLiteral("function"),
                    QJsonObject { { QStringLiteral("name"), c.name },
                        { QStringLiteral("arguments"), c.arguments } } } });
        message.insert(QStringLiteral("tool_calls"), calls);
    }
    if (!r.finishReason.isEmpty())
        message.insert(QStringLiteral("finish_reason"), r.finishReason);
    return QJsonDocument(message).toJson(QJsonDocument::Compact);
}

} // namespace

ReplayRequest ReplayOrigin::request() const
{
    return replayRequestFromGeneration(input, modelParameters, metadata, model);
}

std::optional<ReplayOrigin> ReplayOrigin::load(StoreReader &reader, qint64 observationRk, QString *error)
{
    const auto fail = [error](const QString &message) -> std::optional<ReplayOrigin> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const std::optional<ObservationDetail> detail = reader.observationDetail(observationRk);
    if (!detail)
        return fail(QCoreApplication::translate("ReplayOrigin", "The observation is not in the store."));
    if (detail->row.type != ObservationType::Generation)
        return fail(
            QCoreApplication::translate("ReplayOrigin", "Only generations can be replayed; this is a %1.")
                .arg(observationTypeName(detail->row.type)));
    ReplayOrigin o;
    o.observationRk = observationRk;
    o.observationId = detail->row.id;
    o.name = detail->row.name;
    o.model = detail->row.model;
    o.traceRk = detail->traceRk;
    o.traceId = detail->traceId;
    o.input = detail->input;
    o.output = detail->output;
    o.modelParameters = detail->modelParameters;
    o.metadata = detail->metadata;
    o.usage = detail->usage;
    o.cost = detail->cost;
    if (detail->row.startNs >= 0 && detail->row.endNs >= detail->row.startNs)
        o.latencyNs = detail->row.endNs - detail->row.startNs;
    if (detail->row.startNs >= 0 && detail->completionStartNs >= detail->row.startNs)
        o.ttftNs = detail->completionStartNs - detail->row.startNs;
    if (const std::optional<TraceRow> trace = reader.trace(detail->traceRk)) {
        o.sourceId = trace->sourceId;
        o.traceName = trace->name;
        if (const std::optional<Source> source = reader.source(trace->sourceId))
            o.sourceKey = source->key;
    }
    return o;
}

std::vector<qint64> ReplayOrigin::generationsOf(StoreReader &reader, const QList<qint64> &traceRks)
{
    std::vector<qint64> out;
    for (const qint64 traceRk : traceRks) {
        std::vector<ObservationRow> rows = reader.observations(traceRk);
        std::erase_if(rows, [](const ObservationRow &r) { return r.type != ObservationType::Generation; });
        std::stable_sort(rows.begin(), rows.end(),
            [](const ObservationRow &a, const ObservationRow &b) { return a.startNs < b.startNs; });
        for (const ObservationRow &r : rows)
            out.push_back(r.rk);
    }
    return out;
}

qint64 ensureReplaySource(TraceStore &store, QString *error)
{
    return store.ensureSource(SourceKind::Replays, QString::fromLatin1(kReplaySourceKey),
        QCoreApplication::translate("ReplayRecord", "Replays"), QString(), error);
}

CostDetails replayCost(
    const ReplayResult &result, const QString &model, const PriceTable &prices, QString *source)
{
    if (result.providerCost) {
        CostDetails cost;
        cost.set(QStringLiteral("total"), *result.providerCost);
        if (source)
            *source = QStringLiteral("provider");
        return cost;
    }
    if (const std::optional<CostDetails> cost = prices.cost(model, result.usage)) {
        if (source)
            *source = QStringLiteral("price table");
        return *cost;
    }
    if (source)
        source->clear();
    return {};
}

bool submitReplay(TraceStore &store, ReplayRecord &record, QString *error)
{
    const qint64 sourceId = ensureReplaySource(store, error);
    if (sourceId <= 0)
        return false;
    WriteBatch batch = replayWriteBatch(record, sourceId);
    for (int attempt = 0;; ++attempt) {
        const SubmitStatus status = store.submit(batch);
        if (status == SubmitStatus::Queued)
            break;
        if (status != SubmitStatus::Overloaded || attempt > 200) {
            if (error)
                *error
                    = QCoreApplication::translate("ReplayRecord", "The store did not take the replay (%1).")
                          .arg(status == SubmitStatus::Closed ? QStringLiteral("closed")
                                                              : QStringLiteral("busy"));
            return false;
        }
        QThread::msleep(25);
    }
    return store.flush(30'000);
}

QString replayObservationId(const QString &replayTraceId)
{
    return replayTraceId + QStringLiteral("-generation");
}

WriteBatch replayWriteBatch(ReplayRecord &record, qint64 sourceId)
{
    if (record.traceId.isEmpty())
        record.traceId = QStringLiteral("replay-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const ReplayResult &r = record.result;
    const qint64 startNs = (r.startedMs > 0 ? r.startedMs : QDateTime::currentMSecsSinceEpoch()) * kNsPerMs;
    const qint64 endNs = startNs + std::max<qint64>(r.latencyMs, 0) * kNsPerMs;

    QJsonObject link { { QStringLiteral("source"), record.origin.sourceKey },
        { QStringLiteral("trace_id"), record.origin.traceId },
        { QStringLiteral("observation_id"), record.origin.observationId } };
    QJsonArray notes;
    for (const FidelityNote &n : record.request.fidelity)
        notes.append(QString(fidelitySeverityName(n.severity) + QStringLiteral(": ") + n.text));
    QJsonObject metadata { { QStringLiteral("replay_of"), link },
        { QStringLiteral("provider"), record.providerName } };
    if (!record.variant.isEmpty())
        metadata.insert(QStringLiteral("variant"), record.variant);
    if (!notes.isEmpty())
        metadata.insert(QStringLiteral("fidelity"), notes);
    if (!r.finishReason.isEmpty())
        metadata.insert(QStringLiteral("finish_reason"), r.finishReason);
    if (r.ttftMs >= 0)
        metadata.insert(QStringLiteral("ttft_ms"), double(r.ttftMs));
    if (!record.costSource.isEmpty())
        metadata.insert(QStringLiteral("cost_source"), record.costSource);
    if (r.cancelled)
        metadata.insert(QStringLiteral("cancelled"), true);
    const QByteArray metadataJson = QJsonDocument(metadata).toJson(QJsonDocument::Compact);
    const QByteArray output = outputJson(r);
    const QString model = r.model.isEmpty() ? record.request.model : r.model;

    WriteBatch batch;
    batch.sourceId = sourceId;
    TraceRecord trace;
    trace.id = record.traceId;
    trace.name = QStringLiteral("replay: %1").arg(record.origin.name.isEmpty() ? model : record.origin.name);
    trace.timestampNs = startNs;
    trace.sessionId = QStringLiteral("replay:") + record.origin.traceId;
    trace.tags = { QStringLiteral("replay") };
    trace.input = record.sentBody;
    trace.output = output;
    trace.metadata = metadataJson;
    batch.traces.push_back(trace);

    ObservationRecord g;
    g.id = replayObservationId(record.traceId);
    g.traceId = record.traceId;
    g.type = ObservationType::Generation;
    g.name = record.origin.name.isEmpty() ? QStringLiteral("replay") : record.origin.name;
    g.startNs = startNs;
    g.endNs = endNs;
    if (r.ttftMs >= 0)
        g.completionStartNs = startNs + r.ttftMs * kNsPerMs;
    g.model = model;
    g.modelParameters
        = QJsonDocument(parametersJson(record.request.parameters)).toJson(QJsonDocument::Compact);
    g.usage = r.usage;
    g.cost = record.cost;
    if (!r.ok) {
        g.level = r.cancelled ? Level::Warning : Level::Error;
        g.statusMessage = r.cancelled ? QCoreApplication::translate("ReplayRecord", "cancelled") : r.error;
    }
    g.input = record.sentBody;
    g.output = output;
    g.metadata = metadataJson;
    batch.observations.push_back(g);
    return batch;
}

} // namespace tg
