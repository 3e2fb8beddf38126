#include "langfusejsonwriter.h"

#include "formats/isotime.h"
#include "mapping/flatjson.h"
#include "mapping/jsontext.h"
#include "mapping/langfusejsonfields.h"

namespace tg {

namespace {

void key(QByteArray &out, const char *name, bool &first)
{
    if (!first)
        out.append(',');
    first = false;
    out.append('"');
    out.append(name);
    out.append("\":");
}

void string(QByteArray &out, const char *name, const QString &value, bool &first)
{
    key(out, name, first);
    if (value.isNull())
        out.append("null");
    else
        out.append(JsonText::quote(value));
}

void raw(QByteArray &out, const char *name, const QByteArray &json, bool &first)
{
    key(out, name, first);
    out.append(json.isEmpty() ? QByteArray("null") : json);
}

void time(QByteArray &out, const char *name, const std::optional<qint64> &ns, bool &first)
{
    key(out, name, first);
    if (!ns) {
        out.append("null");
        return;
    }
    out.append('"');
    appendIsoTimestamp(out, *ns);
    out.append('"');
}

void number(QByteArray &out, const char *name, std::optional<double> value, bool &first)
{
    key(out, name, first);
    out.append(value ? JsonText::number(*value) : QByteArray("null"));
}

// Langfuse's modelParameters hold strings, numbers and booleans; nested values are JSON strings.
QByteArray langfuseModelParameters(const QByteArray &text)
{
    if (text.isEmpty())
        return text;
    FlatJson doc;
    QByteArray out;
    if (!doc.parse(text)
        || !langfusejson::modelParametersText(doc.root(), langfusejson::Strictness::Lenient, out, nullptr))
        return text;
    return out.isEmpty() ? text : out;
}

} // namespace

void LangfuseJsonWriter::appendObservation(QByteArray &out, const ObservationRecord &o)
{
    bool first = true;
    out.append('{');
    string(out, "id", o.id, first);
    string(out, "traceId", o.traceId, first);
    string(out, "type", observationTypeName(o.type.value_or(ObservationType::Span)), first);
    string(out, "name", o.name, first);
    time(out, "startTime", o.startNs, first);
    time(out, "endTime", o.endNs, first);
    time(out, "completionStartTime", o.completionStartNs, first);
    string(out, "model", o.model, first);
    raw(out, "modelParameters", langfuseModelParameters(o.modelParameters), first);
    raw(out, "input", o.input, first);
    raw(out, "output", o.output, first);
    raw(out, "metadata", o.metadata, first);
    string(out, "version", o.version, first);
    string(out, "level", levelName(o.level.value_or(Level::Default)), first);
    string(out, "statusMessage", o.statusMessage, first);
    string(out, "parentObservationId", o.parentId.isEmpty() ? QString() : o.parentId, first);
    string(out, "promptName", o.promptName, first);
    key(out, "promptVersion", first);
    out.append(o.promptVersion ? QByteArray::number(*o.promptVersion) : QByteArray("null"));
    raw(out, "usageDetails", o.usage.isEmpty() ? QByteArray("{}") : o.usage.toJsonText(), first);
    raw(out, "costDetails", o.cost.isEmpty() ? QByteArray("{}") : o.cost.toJsonText(), first);
    string(out, "environment", o.environment, first);
    if (o.startNs && o.endNs && *o.endNs >= *o.startNs)
        number(out, "latency", double(*o.endNs - *o.startNs) / 1e9, first);
    else
        number(out, "latency", std::nullopt, first);
    number(out, "calculatedTotalCost",
        o.cost.isEmpty() ? std::nullopt : std::optional<double>(o.cost.total()), first);
    out.append('}');
}

void LangfuseJsonWriter::appendScore(QByteArray &out, const ScoreRecord &s)
{
    bool first = true;
    out.append('{');
    string(out, "id", s.id, first);
    string(out, "traceId", s.traceId, first);
    string(out, "observationId", s.observationId.isEmpty() ? QString() : s.observationId, first);
    if (!s.sessionId.isEmpty())
        string(out, "sessionId", s.sessionId, first);
    string(out, "name", s.name, first);
    number(out, "value", s.value, first);
    string(out, "stringValue", s.stringValue, first);
    string(out, "dataType", s.dataType ? scoreDataTypeName(*s.dataType) : QString(), first);
    string(out, "source", s.source, first);
    string(out, "comment", s.comment, first);
    time(out, "timestamp", s.timestampNs, first);
    string(out, "environment", s.environment, first);
    raw(out, "metadata", s.metadata, first);
    out.append('}');
}

void LangfuseJsonWriter::appendTrace(QByteArray &out, const TraceBundle &bundle)
{
    const TraceRecord &t = bundle.trace;
    bool first = true;
    out.append('{');
    string(out, "id", t.id, first);
    time(out, "timestamp", t.timestampNs, first);
    string(out, "name", t.name, first);
    raw(out, "input", t.input, first);
    raw(out, "output", t.output, first);
    string(out, "sessionId", t.sessionId, first);
    string(out, "release", t.release, first);
    string(out, "version", t.version, first);
    string(out, "userId", t.userId, first);
    raw(out, "metadata", t.metadata, first);
    key(out, "tags", first);
    out.append('[');
    for (int i = 0; i < t.tags.size(); ++i) {
        if (i > 0)
            out.append(',');
        out.append(JsonText::quote(t.tags[i]));
    }
    out.append(']');
    key(out, "public", first);
    out.append(t.isPublic ? (*t.isPublic ? "true" : "false") : "null");
    string(out, "environment", t.environment, first);
    number(out, "latency",
        bundle.row.latencyNs >= 0 ? std::optional<double>(double(bundle.row.latencyNs) / 1e9) : std::nullopt,
        first);
    number(out, "totalCost", bundle.row.cost, first);
    key(out, "observations", first);
    out.append('[');
    for (size_t i = 0; i < bundle.observations.size(); ++i) {
        if (i > 0)
            out.append(',');
        appendObservation(out, bundle.observations[i]);
    }
    out.append("],\"scores\":[");
    for (size_t i = 0; i < bundle.scores.size(); ++i) {
        if (i > 0)
            out.append(',');
        appendScore(out, bundle.scores[i]);
    }
    out.append("]}");
}

} // namespace tg
