#include "langfuseapimapper.h"

#include "langfuseapimapper_p.h"
#include "langfusejsonfields.h"

#include <QHash>

#include <limits>

namespace tg {

using namespace langfusejson;

namespace lfapi {

QString str(const FlatJsonValue &v)
{
    return v.isString() ? v.toString() : QString();
}

QStringList stringList(const FlatJsonValue &v, bool *given)
{
    QStringList out;
    if (given)
        *given = v.isArray();
    v.forEachElement([&](const FlatJsonValue &e) {
        if (e.isString())
            out << e.toString();
    });
    return out;
}

std::optional<bool> boolean(const FlatJsonValue &v)
{
    if (!v.isBool())
        return std::nullopt;
    return v.toBool();
}

std::optional<int> smallInt(const FlatJsonValue &v)
{
    std::optional<qint64> n = v.toInteger();
    if (!n && v.isString()) {
        bool ok = false;
        const qint64 parsed = v.toString().toLongLong(&ok);
        if (ok)
            n = parsed;
    }
    if (!n || *n < std::numeric_limits<int>::min() || *n > std::numeric_limits<int>::max())
        return std::nullopt;
    return static_cast<int>(*n);
}

QByteArray ioText(const FlatJsonValue &v, IoMode mode, FlatJson &scratch)
{
    if (v.isMissing())
        return {};
    if (!v.isString() || mode == IoMode::Json)
        return v.compactText();
    QByteArray decoded = v.toUtf8();
    if (mode == IoMode::Unstringify) {
        const QByteArray trimmed = decoded.trimmed();
        if (!trimmed.startsWith('{') && !trimmed.startsWith('['))
            return v.compactText();
    }
    // The string came out of a parsed document, so it is UTF-8 already.
    if (!scratch.parse(decoded, FlatJson::kDefaultMaxDepth, FlatJson::Utf8Policy::AssumeValid))
        return v.compactText(); // not JSON: keep it as the JSON string it came as
    const FlatJsonValue root = scratch.root();
    const FlatJson::Node &node = scratch.node(0);
    if (node.begin == 0 && node.end == static_cast<quint32>(decoded.size()) && !node.hasSpace)
        return decoded;
    return root.compactText();
}

QByteArray metadata(const FlatJsonValue &v, FlatJson &scratch)
{
    if (v.isString()) {
        const QByteArray decoded = v.toUtf8();
        if (decoded.trimmed().startsWith('{')
            && scratch.parse(decoded, FlatJson::kDefaultMaxDepth, FlatJson::Utf8Policy::AssumeValid)
            && scratch.root().isObject()) {
            return scratch.root().compactText();
        }
    }
    return metadataText(v);
}

} // namespace lfapi

using namespace lfapi;

// Traces

std::optional<TraceRecord> lfapi::mapTrace(const FlatJsonValue &o, IoMode io, FlatJson &scratch)
{
    static const JsonFieldTable table { "id", "timestamp", "name", "input", "output", "sessionId", "release",
        "version", "userId", "metadata", "tags", "public", "environment" };
    enum {
        Id,
        Timestamp,
        Name,
        Input,
        Output,
        SessionId,
        Release,
        Version,
        UserId,
        Metadata,
        Tags,
        Public,
        Environment,
        Count
    };
    FlatJsonValue f[Count];
    table.collect(o, f);
    TraceRecord t;
    t.id = str(f[Id]);
    if (t.id.isEmpty())
        return std::nullopt;
    t.timestampNs = timestampNs(f[Timestamp]);
    t.name = str(f[Name]);
    t.input = ioText(f[Input], io, scratch);
    t.output = ioText(f[Output], io, scratch);
    t.sessionId = str(f[SessionId]);
    t.release = str(f[Release]);
    t.version = str(f[Version]);
    t.userId = str(f[UserId]);
    t.metadata = metadata(f[Metadata], scratch);
    t.tags = stringList(f[Tags]);
    t.isPublic = boolean(f[Public]);
    t.environment = str(f[Environment]);
    return t;
}

// Observations (v1, ObservationsView, v2 and UI downloads share one superset of fields)

std::optional<LangfuseObservationV2> lfapi::mapObservation(
    const FlatJsonValue &o, IoMode io, FlatJson &scratch)
{
    static const JsonFieldTable table {
        "id",
        "traceId",
        "type",
        "name",
        "startTime",
        "endTime",
        "completionStartTime",
        "model",
        "providedModelName",
        "modelParameters",
        "input",
        "output",
        "metadata",
        "version",
        "level",
        "statusMessage",
        "parentObservationId",
        "usage",
        "usageDetails",
        "providedUsageDetails",
        "costDetails",
        "providedCostDetails",
        "environment",
        "promptName",
        "promptVersion",
        "calculatedInputCost",
        "calculatedOutputCost",
        "calculatedTotalCost",
        "totalCost",
        "latency",
        "timeToFirstToken",
        "promptTokens",
        "completionTokens",
        "totalTokens",
        "isRootObservation",
        "userId",
        "sessionId",
        "traceName",
        "tags",
        "release",
    };
    enum {
        Id,
        TraceId,
        Type,
        Name,
        StartTime,
        EndTime,
        CompletionStartTime,
        Model,
        ProvidedModelName,
        ModelParameters,
        Input,
        Output,
        Metadata,
        Version,
        LevelF,
        StatusMessage,
        ParentId,
        Usage,
        UsageDetailsF,
        ProvidedUsageDetails,
        CostDetailsF,
        ProvidedCostDetails,
        Environment,
        PromptName,
        PromptVersion,
        CalculatedInputCost,
        CalculatedOutputCost,
        CalculatedTotalCost,
        TotalCost,
        Latency,
        TimeToFirstToken,
        PromptTokens,
        CompletionTokens,
        TotalTokens,
        IsRoot,
        UserId,
        SessionId,
        TraceName,
        Tags,
        Release,
        Count
    };
    FlatJsonValue f[Count];
    table.collect(o, f);

    LangfuseObservationV2 result;
    ObservationRecord &r = result.record;
    r.id = str(f[Id]);
    if (r.id.isEmpty())
        return std::nullopt;
    r.traceId = str(f[TraceId]);
    r.parentId = str(f[ParentId]);
    if (f[Type].isString())
        r.type = observationTypeFromString(f[Type].toString());
    r.name = str(f[Name]);
    r.startNs = timestampNs(f[StartTime]);
    r.endNs = timestampNs(f[EndTime]);
    r.completionStartNs = timestampNs(f[CompletionStartTime]);
    if (r.startNs && !r.endNs) {
        if (const std::optional<qint64> latency = secondsToNs(f[Latency]))
            r.endNs = *r.startNs + *latency;
    }
    if (r.startNs && !r.completionStartNs) {
        if (const std::optional<qint64> ttft = secondsToNs(f[TimeToFirstToken]))
            r.completionStartNs = *r.startNs + *ttft;
    }
    r.model = str(f[Model]);
    if (r.model.isEmpty())
        r.model = str(f[ProvidedModelName]);
    modelParametersText(f[ModelParameters], Strictness::Lenient, r.modelParameters, nullptr);
    r.input = ioText(f[Input], io, scratch);
    r.output = ioText(f[Output], io, scratch);
    r.metadata = metadata(f[Metadata], scratch);
    r.version = str(f[Version]);
    if (f[LevelF].isString())
        r.level = levelFromString(f[LevelF].toString());
    r.statusMessage = str(f[StatusMessage]);
    r.environment = str(f[Environment]);
    r.promptName = str(f[PromptName]);
    r.promptVersion = smallInt(f[PromptVersion]);

    usageDetailsFrom(f[UsageDetailsF], Strictness::Lenient, r.usage, nullptr);
    if (r.usage.isEmpty())
        usageDetailsFrom(f[ProvidedUsageDetails], Strictness::Lenient, r.usage, nullptr);
    UsageDetails legacyUsage;
    CostDetails legacyCost;
    legacyUsageFrom(f[Usage], Strictness::Lenient, legacyUsage, legacyCost, nullptr);
    if (r.usage.isEmpty())
        r.usage = legacyUsage;
    if (r.usage.isEmpty()) {
        const std::pair<int, const char *> openAi[]
            = { { PromptTokens, "input" }, { CompletionTokens, "output" }, { TotalTokens, "total" } };
        for (const auto &[field, key] : openAi) {
            const std::optional<qint64> n = f[field].toInteger();
            if (n && *n > 0)
                r.usage.set(QLatin1String(key), *n);
        }
    }

    costDetailsFrom(f[CostDetailsF], Strictness::Lenient, r.cost, nullptr);
    if (r.cost.isEmpty())
        costDetailsFrom(f[ProvidedCostDetails], Strictness::Lenient, r.cost, nullptr);
    if (r.cost.isEmpty()) {
        const std::pair<int, const char *> calculated[] = { { CalculatedInputCost, "input" },
            { CalculatedOutputCost, "output" }, { CalculatedTotalCost, "total" } };
        for (const auto &[field, key] : calculated) {
            const std::optional<double> usd = f[field].toDouble();
            if (usd && *usd > 0)
                r.cost.set(QLatin1String(key), *usd);
        }
    }
    if (r.cost.isEmpty())
        r.cost = legacyCost;
    if (r.cost.isEmpty()) {
        const std::optional<double> usd = f[TotalCost].toDouble();
        if (usd && *usd > 0)
            r.cost.set(QStringLiteral("total"), *usd);
    }

    result.isRootObservation = boolean(f[IsRoot]);
    result.userId = str(f[UserId]);
    result.sessionId = str(f[SessionId]);
    result.traceName = str(f[TraceName]);
    result.release = str(f[Release]);
    result.tags = stringList(f[Tags], &result.hasTags);
    return result;
}

// Scores

std::optional<ScoreRecord> lfapi::mapScore(const FlatJsonValue &o, FlatJson &scratch)
{
    static const JsonFieldTable table { "id", "traceId", "sessionId", "observationId", "name", "source",
        "timestamp", "createdAt", "comment", "metadata", "environment", "dataType", "value", "stringValue",
        "subject", "longStringValue" };
    enum {
        Id,
        TraceId,
        SessionId,
        ObservationId,
        Name,
        Source,
        Timestamp,
        CreatedAt,
        Comment,
        Metadata,
        Environment,
        DataType,
        Value,
        StringValue,
        Subject,
        LongStringValue,
        Count
    };
    FlatJsonValue f[Count];
    table.collect(o, f);

    ScoreRecord s;
    s.id = str(f[Id]);
    if (s.id.isEmpty())
        return std::nullopt;
    s.traceId = str(f[TraceId]);
    s.sessionId = str(f[SessionId]);
    s.observationId = str(f[ObservationId]);
    s.name = str(f[Name]);
    s.source = str(f[Source]);
    s.timestampNs = timestampNs(f[Timestamp]);
    if (!s.timestampNs)
        s.timestampNs = timestampNs(f[CreatedAt]);
    s.comment = str(f[Comment]);
    s.metadata = metadata(f[Metadata], scratch);
    s.environment = str(f[Environment]);
    if (f[DataType].isString())
        s.dataType = scoreDataTypeFromString(f[DataType].toString());

    const FlatJsonValue &value = f[Value];
    if (value.isNumber()) {
        s.value = value.toDouble();
    } else if (value.isBool()) {
        s.value = value.toBool() ? 1.0 : 0.0;
        s.stringValue = value.toBool() ? QStringLiteral("True") : QStringLiteral("False");
    } else if (value.isString()) {
        s.stringValue = value.toString();
    }
    if (f[StringValue].isString())
        s.stringValue = f[StringValue].toString();
    else if (f[LongStringValue].isString() && s.stringValue.isNull())
        s.stringValue = f[LongStringValue].toString();
    if (!s.dataType) {
        if (value.isBool())
            s.dataType = ScoreDataType::Boolean;
        else if (value.isNumber() && s.stringValue.isNull())
            s.dataType = ScoreDataType::Numeric;
        else if (value.isString())
            s.dataType = ScoreDataType::Categorical;
    }
    if (s.dataType == ScoreDataType::Boolean && s.value && s.stringValue.isNull())
        s.stringValue = *s.value != 0.0 ? QStringLiteral("True") : QStringLiteral("False");

    // v3: {kind: trace|observation|session|experiment, id, traceId?}
    const FlatJsonValue &subject = f[Subject];
    if (subject.isObject()) {
        const QString kind = str(subject.value("kind"));
        const QString id = str(subject.value("id"));
        if (!id.isEmpty()) {
            if (kind == u"trace") {
                s.traceId = id;
            } else if (kind == u"observation") {
                s.observationId = id;
                const QString traceId = str(subject.value("traceId"));
                if (!traceId.isEmpty())
                    s.traceId = traceId;
            } else if (kind == u"session") {
                s.sessionId = id;
            }
        }
    }
    return s;
}

// Public single-object API

std::optional<TraceRecord> LangfuseApiMapper::traceFromJson(const FlatJsonValue &object)
{
    FlatJson scratch;
    return lfapi::mapTrace(object, IoMode::Json, scratch);
}

std::optional<ObservationRecord> LangfuseApiMapper::observationFromJson(const FlatJsonValue &object)
{
    FlatJson scratch;
    std::optional<LangfuseObservationV2> o = lfapi::mapObservation(object, IoMode::Json, scratch);
    if (!o)
        return std::nullopt;
    return std::move(o->record);
}

std::optional<LangfuseObservationV2> LangfuseApiMapper::observationV2FromJson(const FlatJsonValue &object)
{
    FlatJson scratch;
    return lfapi::mapObservation(object, IoMode::RawString, scratch);
}

std::optional<ScoreRecord> LangfuseApiMapper::scoreFromJson(const FlatJsonValue &object)
{
    FlatJson scratch;
    return lfapi::mapScore(object, scratch);
}

std::optional<LangfuseSessionInfo> LangfuseApiMapper::sessionFromJson(const FlatJsonValue &object)
{
    LangfuseSessionInfo s;
    s.id = str(object.value("id"));
    if (s.id.isEmpty())
        return std::nullopt;
    s.createdAtNs = timestampNs(object.value("createdAt"));
    s.projectId = str(object.value("projectId"));
    s.environment = str(object.value("environment"));
    return s;
}

LangfuseDeprecation LangfuseApiMapper::deprecationFromJson(const FlatJsonValue &value)
{
    LangfuseDeprecation d;
    if (!value.isObject())
        return d;
    d.message = str(value.value("message"));
    d.replacement = str(value.value("replacement"));
    d.docsUrl = str(value.value("docsUrl"));
    d.sunsetAt = str(value.value("sunsetAt"));
    return d;
}

LangfusePageMeta LangfuseApiMapper::pageMetaFromJson(const FlatJsonValue &value)
{
    LangfusePageMeta m;
    if (!value.isObject())
        return m;
    m.present = true;
    m.page = smallInt(value.value("page")).value_or(0);
    m.limit = smallInt(value.value("limit")).value_or(0);
    m.totalItems = value.value("totalItems").toInteger().value_or(-1);
    m.totalPages = smallInt(value.value("totalPages")).value_or(0);
    m.cursor = str(value.value("cursor"));
    return m;
}

bool lfapi::appendFullTrace(
    const FlatJsonValue &object, IoMode io, WriteBatch &out, FlatJson &scratch, LangfuseApiResult *counts)
{
    std::optional<TraceRecord> trace = lfapi::mapTrace(object, io, scratch);
    if (!trace)
        return false;
    const QString traceId = trace->id;
    out.traces.push_back(std::move(*trace));
    object.value("observations").forEachElement([&](const FlatJsonValue &e) {
        if (!e.isObject())
            return; // TraceWithDetails lists ids only
        if (counts)
            ++counts->itemCount;
        std::optional<LangfuseObservationV2> o = lfapi::mapObservation(e, io, scratch);
        if (!o) {
            if (counts)
                ++counts->skippedCount;
            return;
        }
        if (o->record.traceId.isEmpty())
            o->record.traceId = traceId;
        out.observations.push_back(std::move(o->record));
    });
    object.value("scores").forEachElement([&](const FlatJsonValue &e) {
        if (!e.isObject())
            return;
        if (counts)
            ++counts->itemCount;
        std::optional<ScoreRecord> s = lfapi::mapScore(e, scratch);
        if (!s) {
            if (counts)
                ++counts->skippedCount;
            return;
        }
        if (s->traceId.isEmpty() && s->sessionId.isEmpty())
            s->traceId = traceId;
        out.scores.push_back(std::move(*s));
    });
    return true;
}

bool LangfuseApiMapper::appendTraceWithFullDetails(const FlatJsonValue &object, WriteBatch &out)
{
    FlatJson scratch;
    return lfapi::appendFullTrace(object, IoMode::Json, out, scratch, nullptr);
}

std::vector<TraceRecord> LangfuseApiMapper::tracesFromObservationsV2(
    const std::vector<LangfuseObservationV2> &observations)
{
    std::vector<TraceRecord> traces;
    QHash<QString, size_t> byId;
    QHash<QString, qint64> rootStart; // start of the root that set the trace's timestamp and I/O
    for (const LangfuseObservationV2 &o : observations) {
        const ObservationRecord &r = o.record;
        if (!o.isRoot() || r.traceId.isEmpty())
            continue;
        auto it = byId.constFind(r.traceId);
        if (it == byId.cend()) {
            it = byId.insert(r.traceId, traces.size());
            TraceRecord t;
            t.id = r.traceId;
            traces.push_back(std::move(t));
        }
        TraceRecord &t = traces[*it];
        // The earliest root decides name, time and payloads; later roots only fill gaps.
        const qint64 start = r.startNs.value_or(std::numeric_limits<qint64>::max());
        const auto seen = rootStart.constFind(r.traceId);
        const bool earliest = seen == rootStart.cend() || start < *seen;
        auto take = [earliest](QString &field, const QString &value) {
            if (!value.isEmpty() && (earliest || field.isEmpty()))
                field = value;
        };
        if (earliest) {
            rootStart.insert(r.traceId, start);
            if (r.startNs)
                t.timestampNs = r.startNs;
            if (!r.input.isEmpty())
                t.input = r.input;
            if (!r.output.isEmpty())
                t.output = r.output;
        }
        take(t.name, o.traceName.isEmpty() ? r.name : o.traceName);
        take(t.userId, o.userId);
        take(t.sessionId, o.sessionId);
        take(t.release, o.release);
        take(t.environment, r.environment);
        if (o.hasTags && (earliest || t.tags.isEmpty()))
            t.tags = o.tags;
        if (t.input.isEmpty())
            t.input = r.input;
        if (t.output.isEmpty())
            t.output = r.output;
    }
    return traces;
}

} // namespace tg
