#include "langfuseingestionparser.h"

#include "langfuseingestion_p.h"

#include <QHash>

#include <algorithm>
#include <variant>

namespace tg {

using namespace langfusejson;
using namespace langfuseingestion;

namespace {

struct Accepted
{
    QString id;
    qint64 timestampNs = 0;
    bool isUpdate = false;
    bool listed = true;
    Record record;
};

QString stringOrUnknown(const FlatJsonValue &id)
{
    return id.isString() ? id.toString() : QStringLiteral("unknown");
}

} // namespace

LangfuseIngestionResult LangfuseIngestionParser::parse(const QByteArray &body)
{
    LangfuseIngestionResult result;
    FlatJson doc;
    if (!doc.parse(body)) {
        result.requestErrors << QStringLiteral("Invalid JSON: ") + doc.errorString();
        return result;
    }
    result.replacedInvalidUtf8 = doc.replacedInvalidUtf8();
    const FlatJsonValue root = doc.root();
    if (!root.isObject()) {
        result.requestErrors << expected("object", root);
        return result;
    }
    const FlatJsonValue batch = root.value("batch");
    if (!batch.isArray()) {
        result.requestErrors << QStringLiteral("batch: ")
                + (batch.isUndefined() ? QStringLiteral("Required") : expected("array", batch));
        return result;
    }
    result.valid = true;
    result.eventCount = batch.size();

    static const JsonFieldTable envelopeTable { "id", "type", "timestamp", "body" };
    enum { Id, Type, Timestamp, Body, Count };

    std::vector<Accepted> accepted;
    accepted.reserve(static_cast<size_t>(batch.size()));
    batch.forEachElement([&](const FlatJsonValue &event) {
        Reader r;
        if (!event.isObject()) {
            result.errors.push_back({ QStringLiteral("unknown"), 400, QStringLiteral("Invalid request data"),
                expected("object", event) });
            return;
        }
        FlatJsonValue f[Count];
        envelopeTable.collect(event, f);
        const QString id = r.id(f[Id], "id", true);
        const std::optional<qint64> ts = r.time(f[Timestamp], "timestamp");
        if (f[Timestamp].isMissing())
            r.add("timestamp",
                f[Timestamp].isNull() ? expected("string", f[Timestamp]) : QStringLiteral("Required"));
        const EventTypeInfo *info = findEventType(f[Type]);
        if (!info)
            r.add("type",
                f[Type].isUndefined() ? QStringLiteral("Required")
                                      : QStringLiteral("Invalid discriminator value"));
        const FlatJsonValue &eventBody = f[Body];
        if (!eventBody.isObject())
            r.add(
                "body", eventBody.isUndefined() ? QStringLiteral("Required") : expected("object", eventBody));

        Record record;
        if (info && eventBody.isObject()) {
            const qint64 envelopeNs = ts.value_or(0);
            switch (info->target) {
            case Target::Trace:
                record = readTrace(eventBody, envelopeNs, r);
                break;
            case Target::Observation:
                record = readObservation(eventBody, *info, envelopeNs, r);
                break;
            case Target::Score:
                record = readScore(eventBody, envelopeNs, r);
                break;
            case Target::SdkLog:
                if (eventBody.value("log").isUndefined())
                    r.add("body.log", QStringLiteral("Required"));
                break;
            case Target::DatasetRunItem:
            case Target::None:
                break;
            }
        }
        if (!r.issues.isEmpty()) {
            result.errors.push_back({ stringOrUnknown(f[Id]), 400, QStringLiteral("Invalid request data"),
                r.issues.join(QStringLiteral("; ")) });
            return;
        }
        accepted.push_back({ id, *ts, info->isUpdate, info->target != Target::SdkLog, std::move(record) });
    });

    // Successes: creates first, then updates, each by envelope timestamp (Langfuse's sortBatch).
    std::vector<size_t> order(accepted.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (accepted[a].isUpdate != accepted[b].isUpdate)
            return !accepted[a].isUpdate;
        return accepted[a].timestampNs < accepted[b].timestampNs;
    });
    for (const size_t i : order) {
        if (accepted[i].listed)
            result.successes.push_back({ accepted[i].id, 201, {}, {} });
    }

    // Records: the last event with a given envelope id wins; apply by timestamp, creates first.
    QHash<QString, size_t> lastById;
    lastById.reserve(static_cast<qsizetype>(accepted.size()));
    for (size_t i = 0; i < accepted.size(); ++i)
        lastById.insert(accepted[i].id, i);
    std::vector<size_t> kept;
    kept.reserve(accepted.size());
    for (size_t i = 0; i < accepted.size(); ++i) {
        if (lastById.value(accepted[i].id) == i)
            kept.push_back(i);
        else
            ++result.duplicateCount;
    }
    std::stable_sort(kept.begin(), kept.end(), [&](size_t a, size_t b) {
        if (accepted[a].timestampNs != accepted[b].timestampNs)
            return accepted[a].timestampNs < accepted[b].timestampNs;
        return !accepted[a].isUpdate && accepted[b].isUpdate;
    });
    for (const size_t i : kept) {
        Record &record = accepted[i].record;
        if (auto *t = std::get_if<TraceRecord>(&record))
            result.batch.traces.push_back(std::move(*t));
        else if (auto *o = std::get_if<ObservationRecord>(&record))
            result.batch.observations.push_back(std::move(*o));
        else if (auto *s = std::get_if<ScoreRecord>(&record))
            result.batch.scores.push_back(std::move(*s));
    }
    return result;
}

QByteArray LangfuseIngestionResult::responseBody() const
{
    QByteArray out;
    if (!valid) {
        out = QByteArrayLiteral("{\"message\":\"Invalid request data\",\"errors\":[");
        for (qsizetype i = 0; i < requestErrors.size(); ++i) {
            if (i)
                out += ',';
            langfusejson::appendJsonString(out, requestErrors[i].toUtf8());
        }
        out += "]}";
        return out;
    }
    out.reserve(64 + static_cast<qsizetype>(successes.size() + errors.size()) * 64);
    out += "{\"successes\":[";
    for (size_t i = 0; i < successes.size(); ++i) {
        if (i)
            out += ',';
        out += "{\"id\":";
        langfusejson::appendJsonString(out, successes[i].id.toUtf8());
        out += ",\"status\":" + QByteArray::number(successes[i].status) + '}';
    }
    out += "],\"errors\":[";
    for (size_t i = 0; i < errors.size(); ++i) {
        const LangfuseIngestionStatus &e = errors[i];
        if (i)
            out += ',';
        out += "{\"id\":";
        langfusejson::appendJsonString(out, e.id.toUtf8());
        out += ",\"status\":" + QByteArray::number(e.status);
        if (!e.message.isEmpty()) {
            out += ",\"message\":";
            langfusejson::appendJsonString(out, e.message.toUtf8());
        }
        if (!e.error.isEmpty()) {
            out += ",\"error\":";
            langfusejson::appendJsonString(out, e.error.toUtf8());
        }
        out += '}';
    }
    out += "]}";
    return out;
}

void LangfuseIngestionResult::failAccepted(int status, const QString &error)
{
    for (const LangfuseIngestionStatus &s : successes)
        errors.push_back({ s.id, status, {}, error });
    successes.clear();
    batch.traces.clear();
    batch.observations.clear();
    batch.scores.clear();
}

} // namespace tg
