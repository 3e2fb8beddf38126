// Whole answers and files for LangfuseApiMapper: parsing, page envelopes and shape detection.

#include "langfuseapimapper.h"
#include "langfuseapimapper_p.h"
#include "langfuseingestionparser.h"

#include <utility>

namespace tg {

using namespace lfapi;

namespace {

struct Context
{
    LangfuseApiResult result;
    FlatJson scratch;
    std::vector<LangfuseObservationV2> v2; ///< observations whose traces are rebuilt from roots

    void finishV2()
    {
        if (v2.empty())
            return;
        for (TraceRecord &t : LangfuseApiMapper::tracesFromObservationsV2(v2))
            result.batch.traces.push_back(std::move(t));
        for (LangfuseObservationV2 &o : v2)
            result.batch.observations.push_back(std::move(o.record));
        v2.clear();
    }
};

bool open(const QByteArray &json, FlatJson &doc, LangfuseApiResult &result)
{
    if (doc.parse(json))
        return true;
    result.error = QStringLiteral("Invalid JSON: ") + doc.errorString();
    return false;
}

void readEnvelope(const FlatJsonValue &root, LangfuseApiResult &result)
{
    result.deprecation = LangfuseApiMapper::deprecationFromJson(root.value("_deprecation"));
    result.meta = LangfuseApiMapper::pageMetaFromJson(root.value("meta"));
}

/// Runs `item` over the objects of a {data: [...], meta} page.
template<typename ItemFn> LangfuseApiResult mapPage(const QByteArray &json, ItemFn &&item)
{
    Context ctx;
    FlatJson doc;
    if (!open(json, doc, ctx.result))
        return std::move(ctx.result);
    const FlatJsonValue root = doc.root();
    const FlatJsonValue data = root.value("data");
    if (!root.isObject() || !data.isArray()) {
        ctx.result.error = QStringLiteral("Expected an object with a \"data\" array");
        return std::move(ctx.result);
    }
    readEnvelope(root, ctx.result);
    data.forEachElement([&](const FlatJsonValue &e) {
        ++ctx.result.itemCount;
        if (!e.isObject() || !item(e, ctx))
            ++ctx.result.skippedCount;
    });
    ctx.finishV2();
    ctx.result.ok = true;
    return std::move(ctx.result);
}

/// Runs `item` over a single-object answer.
template<typename ItemFn> LangfuseApiResult mapSingle(const QByteArray &json, ItemFn &&item)
{
    Context ctx;
    FlatJson doc;
    if (!open(json, doc, ctx.result))
        return std::move(ctx.result);
    const FlatJsonValue root = doc.root();
    if (!root.isObject()) {
        ctx.result.error = QStringLiteral("Expected an object");
        return std::move(ctx.result);
    }
    ctx.result.deprecation = LangfuseApiMapper::deprecationFromJson(root.value("_deprecation"));
    ctx.result.itemCount = 1;
    if (!item(root, ctx)) {
        ctx.result.skippedCount = 1;
        ctx.result.error = QStringLiteral("The object has no usable id");
        return std::move(ctx.result);
    }
    ctx.finishV2();
    ctx.result.ok = true;
    return std::move(ctx.result);
}

bool traceItem(const FlatJsonValue &o, Context &ctx)
{
    return appendFullTrace(o, IoMode::Json, ctx.result.batch, ctx.scratch, &ctx.result);
}

bool observationItem(const FlatJsonValue &o, Context &ctx, const QString &traceId = {})
{
    std::optional<LangfuseObservationV2> r = mapObservation(o, IoMode::Json, ctx.scratch);
    if (!r)
        return false;
    if (r->record.traceId.isEmpty())
        r->record.traceId = traceId;
    ctx.result.batch.observations.push_back(std::move(r->record));
    return true;
}

bool observationV2Item(const FlatJsonValue &o, Context &ctx, IoMode io = IoMode::RawString)
{
    std::optional<LangfuseObservationV2> r = mapObservation(o, io, ctx.scratch);
    if (!r)
        return false;
    ctx.v2.push_back(std::move(*r));
    return true;
}

bool scoreItem(const FlatJsonValue &o, Context &ctx, const QString &traceId = {})
{
    std::optional<ScoreRecord> s = mapScore(o, ctx.scratch);
    if (!s)
        return false;
    if (s->traceId.isEmpty() && s->sessionId.isEmpty())
        s->traceId = traceId;
    ctx.result.batch.scores.push_back(std::move(*s));
    return true;
}

bool sessionItem(const FlatJsonValue &o, Context &ctx)
{
    std::optional<LangfuseSessionInfo> s = LangfuseApiMapper::sessionFromJson(o);
    if (!s)
        return false;
    o.value("traces").forEachElement([&](const FlatJsonValue &e) {
        if (!e.isObject())
            return;
        ++ctx.result.itemCount;
        const size_t before = ctx.result.batch.traces.size();
        if (!traceItem(e, ctx)) {
            ++ctx.result.skippedCount;
            return;
        }
        TraceRecord &t = ctx.result.batch.traces[before];
        if (t.sessionId.isEmpty())
            t.sessionId = s->id;
    });
    ctx.result.sessions.push_back(std::move(*s));
    return true;
}

// Shape detection for files.

enum class Shape : quint8 { Unknown, Trace, FullTrace, Observation, ObservationV2, Score, Session };

Shape classify(const FlatJsonValue &o)
{
    static const JsonFieldTable markers {
        "id",
        "observations",
        "scores",
        "traces",
        "isRootObservation",
        "providedModelName",
        "traceName",
        "providedUsageDetails",
        "internalModelId",
        "startTime",
        "type",
        "traceId",
        "value",
        "dataType",
        "stringValue",
        "subject",
        "name",
        "source",
        "createdAt",
        "projectId",
        "timestamp",
        "tags",
        "userId",
        "sessionId",
        "htmlPath",
    };
    enum {
        Id,
        Observations,
        Scores,
        Traces,
        IsRoot,
        ProvidedModelName,
        TraceName,
        ProvidedUsage,
        InternalModelId,
        StartTime,
        Type,
        TraceId,
        Value,
        DataType,
        StringValue,
        Subject,
        Name,
        Source,
        CreatedAt,
        ProjectId,
        Timestamp,
        Tags,
        UserId,
        SessionId,
        HtmlPath,
        Count
    };
    FlatJsonValue f[Count];
    markers.collect(o, f);
    auto has = [&](int i) { return !f[i].isUndefined(); };
    if (!f[Id].isString())
        return Shape::Unknown;
    if (f[Observations].isArray() || (f[Scores].isArray() && !has(StartTime)))
        return Shape::FullTrace;
    if (f[Traces].isArray())
        return Shape::Session;
    if (has(IsRoot) || has(ProvidedModelName) || has(TraceName) || has(ProvidedUsage) || has(InternalModelId))
        return Shape::ObservationV2;
    if (has(StartTime) || (has(Type) && has(TraceId) && !has(Value)))
        return Shape::Observation;
    if (has(DataType) || has(StringValue) || has(Subject) || (has(Value) && has(Name)))
        return Shape::Score;
    if (has(CreatedAt) && has(ProjectId) && !has(Timestamp) && !has(Name))
        return Shape::Session;
    if (has(Timestamp) || has(Tags) || has(UserId) || has(SessionId) || has(HtmlPath))
        return Shape::Trace;
    return Shape::Unknown;
}

bool mapItem(const FlatJsonValue &o, Context &ctx)
{
    switch (classify(o)) {
    case Shape::Trace:
    case Shape::FullTrace:
        return traceItem(o, ctx);
    case Shape::Observation:
        return observationItem(o, ctx);
    case Shape::ObservationV2:
        return observationV2Item(o, ctx);
    case Shape::Score:
        return scoreItem(o, ctx);
    case Shape::Session:
        return sessionItem(o, ctx);
    case Shape::Unknown:
        break;
    }
    return false;
}

void mapItems(const FlatJsonValue &array, Context &ctx)
{
    array.forEachElement([&](const FlatJsonValue &e) {
        ++ctx.result.itemCount;
        if (!e.isObject() || !mapItem(e, ctx))
            ++ctx.result.skippedCount;
    });
}

/// Any top-level value of a file (or of one JSON line).
void mapAny(const FlatJsonValue &root, Context &ctx)
{
    if (root.isArray()) {
        mapItems(root, ctx);
        return;
    }
    if (!root.isObject()) {
        ++ctx.result.itemCount;
        ++ctx.result.skippedCount;
        return;
    }
    const FlatJsonValue batch = root.value("batch");
    if (batch.isArray()) {
        LangfuseIngestionResult ingested = LangfuseIngestionParser::parse(root.rawText().toByteArray());
        ctx.result.itemCount += ingested.eventCount;
        ctx.result.skippedCount += static_cast<int>(ingested.errors.size());
        WriteBatch &out = ctx.result.batch;
        std::move(ingested.batch.traces.begin(), ingested.batch.traces.end(), std::back_inserter(out.traces));
        std::move(ingested.batch.observations.begin(), ingested.batch.observations.end(),
            std::back_inserter(out.observations));
        std::move(ingested.batch.scores.begin(), ingested.batch.scores.end(), std::back_inserter(out.scores));
        return;
    }
    const FlatJsonValue data = root.value("data");
    if (data.isArray()) {
        readEnvelope(root, ctx.result);
        mapItems(data, ctx);
        return;
    }
    const FlatJsonValue trace = root.value("trace");
    if (trace.isObject()) {
        // Legacy UI download: {trace, observations}; I/O may have been stringified for export.
        ++ctx.result.itemCount;
        if (!appendFullTrace(trace, IoMode::Unstringify, ctx.result.batch, ctx.scratch, &ctx.result)) {
            ++ctx.result.skippedCount;
            return;
        }
        const QString traceId = ctx.result.batch.traces.back().id;
        root.value("observations").forEachElement([&](const FlatJsonValue &e) {
            ++ctx.result.itemCount;
            std::optional<LangfuseObservationV2> o
                = e.isObject() ? mapObservation(e, IoMode::Unstringify, ctx.scratch) : std::nullopt;
            if (!o) {
                ++ctx.result.skippedCount;
                return;
            }
            if (o->record.traceId.isEmpty())
                o->record.traceId = traceId;
            ctx.result.batch.observations.push_back(std::move(o->record));
        });
        root.value("scores").forEachElement([&](const FlatJsonValue &e) {
            ++ctx.result.itemCount;
            if (!e.isObject() || !scoreItem(e, ctx, traceId))
                ++ctx.result.skippedCount;
        });
        return;
    }
    const FlatJsonValue observations = root.value("observations");
    if (observations.isArray() && !root.value("id").isString()) {
        // v4 UI download: {observations, scores}; observations carry the trace fields.
        observations.forEachElement([&](const FlatJsonValue &e) {
            ++ctx.result.itemCount;
            if (!e.isObject() || !observationV2Item(e, ctx))
                ++ctx.result.skippedCount;
        });
        root.value("scores").forEachElement([&](const FlatJsonValue &e) {
            ++ctx.result.itemCount;
            if (!e.isObject() || !scoreItem(e, ctx))
                ++ctx.result.skippedCount;
        });
        return;
    }
    ctx.result.deprecation = LangfuseApiMapper::deprecationFromJson(root.value("_deprecation"));
    ++ctx.result.itemCount;
    if (!mapItem(root, ctx))
        ++ctx.result.skippedCount;
}

} // namespace

LangfuseApiResult LangfuseApiMapper::mapTracesPage(const QByteArray &json)
{
    return mapPage(json, traceItem);
}

LangfuseApiResult LangfuseApiMapper::mapTrace(const QByteArray &json)
{
    return mapSingle(json, traceItem);
}

LangfuseApiResult LangfuseApiMapper::mapObservationsPage(const QByteArray &json)
{
    return mapPage(json, [](const FlatJsonValue &o, Context &ctx) { return observationItem(o, ctx); });
}

LangfuseApiResult LangfuseApiMapper::mapObservation(const QByteArray &json)
{
    return mapSingle(json, [](const FlatJsonValue &o, Context &ctx) { return observationItem(o, ctx); });
}

LangfuseApiResult LangfuseApiMapper::mapObservationsV2Page(const QByteArray &json)
{
    return mapPage(json, [](const FlatJsonValue &o, Context &ctx) { return observationV2Item(o, ctx); });
}

LangfuseApiResult LangfuseApiMapper::mapSessionsPage(const QByteArray &json)
{
    return mapPage(json, sessionItem);
}

LangfuseApiResult LangfuseApiMapper::mapSession(const QByteArray &json)
{
    return mapSingle(json, sessionItem);
}

LangfuseApiResult LangfuseApiMapper::mapScoresPage(const QByteArray &json)
{
    return mapPage(json, [](const FlatJsonValue &o, Context &ctx) { return scoreItem(o, ctx); });
}

LangfuseApiResult LangfuseApiMapper::mapScore(const QByteArray &json)
{
    return mapSingle(json, [](const FlatJsonValue &o, Context &ctx) { return scoreItem(o, ctx); });
}

LangfuseApiResult LangfuseApiMapper::mapDocument(const QByteArray &json)
{
    Context ctx;
    FlatJson doc;
    if (doc.parse(json)) {
        mapAny(doc.root(), ctx);
        ctx.finishV2();
        ctx.result.ok = true;
        return std::move(ctx.result);
    }
    const QString wholeError = doc.errorString();
    // JSON Lines: one value per line; a bad line is skipped, not fatal.
    int goodLines = 0;
    QString firstLineError;
    qsizetype start = 0;
    while (start < json.size()) {
        qsizetype end = json.indexOf('\n', start);
        if (end < 0)
            end = json.size();
        const QByteArray line = json.mid(start, end - start);
        start = end + 1;
        if (line.trimmed().isEmpty())
            continue;
        FlatJson lineDoc;
        if (!lineDoc.parse(line)) {
            ++ctx.result.itemCount;
            ++ctx.result.skippedCount;
            if (firstLineError.isEmpty())
                firstLineError = lineDoc.errorString();
            continue;
        }
        // Only object lines make this JSON Lines; a stray scalar line in a broken pretty-printed
        // file must not turn a syntax error into "ok".
        if (lineDoc.root().isObject())
            ++goodLines;
        mapAny(lineDoc.root(), ctx);
    }
    if (goodLines == 0) {
        ctx.result = LangfuseApiResult();
        ctx.result.error = QStringLiteral("Invalid JSON: ") + wholeError;
        return std::move(ctx.result);
    }
    ctx.finishV2();
    ctx.result.ok = true;
    if (!firstLineError.isEmpty())
        ctx.result.error = QStringLiteral("Skipped lines that are not JSON; first: ") + firstLineError;
    return std::move(ctx.result);
}

} // namespace tg
