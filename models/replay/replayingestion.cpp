#include "replayingestion.h"

#include "domain/timeformat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tg {

namespace {

/// Payload JSON text as a value (a string when it is not JSON).
QJsonValue payload(const QByteArray &json)
{
    if (json.isEmpty())
        return QJsonValue::Undefined;
    const QJsonDocument doc = QJsonDocument::fromJson("[" + json + "]");
    return doc.isArray() ? doc.array().at(0) : QJsonValue(QString::fromUtf8(json));
}

void insertIf(QJsonObject &o, const QString &key, const QJsonValue &value)
{
    if (value.isUndefined() || (value.isString() && value.toString().isEmpty()))
        return;
    o.insert(key, value);
}

QJsonObject modelParameters(const QByteArray &json)
{
    QJsonObject out;
    const QJsonObject in = QJsonDocument::fromJson(json).object();
    for (auto it = in.begin(); it != in.end(); ++it) {
        const QJsonValue v = it.value();
        bool stringList = v.isArray();
        for (const QJsonValue &e : v.toArray())
            stringList = stringList && e.isString();
        if (v.isString() || v.isDouble() || v.isBool() || stringList)
            out.insert(it.key(), v);
        else if (v.isObject())
            out.insert(
                it.key(), QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact)));
        else if (v.isArray())
            out.insert(
                it.key(), QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)));
    }
    return out;
}

QJsonObject event(const QString &type, const QString &entityId, qint64 nowNs, const QJsonObject &body)
{
    return QJsonObject { { QStringLiteral("id"), QString(type + u':' + entityId) },
        { QStringLiteral("type"), type }, { QStringLiteral("timestamp"), formatIsoTimestamp(nowNs) },
        { QStringLiteral("body"), body } };
}

} // namespace

QByteArray langfuseIngestionBatch(const WriteBatch &batch, qint64 nowNs)
{
    QJsonArray events;
    for (const TraceRecord &t : batch.traces) {
        QJsonObject body { { QStringLiteral("id"), t.id } };
        insertIf(body, QStringLiteral("name"), t.name);
        if (t.timestampNs)
            body.insert(QStringLiteral("timestamp"), formatIsoTimestamp(*t.timestampNs));
        insertIf(body, QStringLiteral("userId"), t.userId);
        insertIf(body, QStringLiteral("sessionId"), t.sessionId);
        insertIf(body, QStringLiteral("environment"), t.environment);
        insertIf(body, QStringLiteral("input"), payload(t.input));
        insertIf(body, QStringLiteral("output"), payload(t.output));
        insertIf(body, QStringLiteral("metadata"), payload(t.metadata));
        if (!t.tags.isEmpty())
            body.insert(QStringLiteral("tags"), QJsonArray::fromStringList(t.tags));
        events.append(event(QStringLiteral("trace-create"), t.id, nowNs, body));
    }
    for (const ObservationRecord &o : batch.observations) {
        const bool generation = o.type.value_or(ObservationType::Span) == ObservationType::Generation;
        QJsonObject body { { QStringLiteral("id"), o.id }, { QStringLiteral("traceId"), o.traceId } };
        insertIf(body, QStringLiteral("parentObservationId"), o.parentId);
        insertIf(body, QStringLiteral("name"), o.name);
        if (o.startNs)
            body.insert(QStringLiteral("startTime"), formatIsoTimestamp(*o.startNs));
        if (o.endNs)
            body.insert(QStringLiteral("endTime"), formatIsoTimestamp(*o.endNs));
        if (o.completionStartNs)
            body.insert(QStringLiteral("completionStartTime"), formatIsoTimestamp(*o.completionStartNs));
        insertIf(body, QStringLiteral("model"), o.model);
        if (!o.modelParameters.isEmpty())
            body.insert(QStringLiteral("modelParameters"), modelParameters(o.modelParameters));
        if (o.level)
            body.insert(QStringLiteral("level"), levelName(*o.level));
        insertIf(body, QStringLiteral("statusMessage"), o.statusMessage);
        insertIf(body, QStringLiteral("input"), payload(o.input));
        insertIf(body, QStringLiteral("output"), payload(o.output));
        insertIf(body, QStringLiteral("metadata"), payload(o.metadata));
        if (!o.usage.isEmpty())
            body.insert(QStringLiteral("usageDetails"), o.usage.toJson());
        if (!o.cost.isEmpty())
            body.insert(QStringLiteral("costDetails"), o.cost.toJson());
        const QString type = generation ? QStringLiteral("generation-create") : QStringLiteral("span-create");
        events.append(event(type, o.id, nowNs, body));
    }
    return QJsonDocument(QJsonObject { { QStringLiteral("batch"), events } }).toJson(QJsonDocument::Compact);
}

QStringList langfuseIngestionErrors(const QByteArray &body, bool *ok)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonObject o = doc.object();
    const bool valid
        = doc.isObject() && (o.contains(QStringLiteral("successes")) || o.contains(QStringLiteral("errors")));
    if (ok)
        *ok = valid;
    QStringList out;
    for (const QJsonValue &e : o.value(QStringLiteral("errors")).toArray()) {
        const QJsonObject error = e.toObject();
        QString message = error.value(QStringLiteral("message")).toString();
        if (message.isEmpty())
            message = error.value(QStringLiteral("error")).toString();
        out << QStringLiteral("%1: %2 %3")
                   .arg(error.value(QStringLiteral("id")).toString())
                   .arg(error.value(QStringLiteral("status")).toInt())
                   .arg(message)
                   .trimmed();
    }
    return out;
}

} // namespace tg
