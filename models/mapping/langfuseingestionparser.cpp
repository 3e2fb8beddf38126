#include "langfuseingestionparser.h"

#include "flatjson.h"
#include "langfusejsonfields.h"

#include <QHash>

#include <algorithm>
#include <variant>

namespace tg {

using namespace langfusejson;

namespace {

enum class Target : quint8 { None, Trace, Observation, Score, SdkLog, DatasetRunItem };

struct EventTypeInfo
{
    const char *name;
    Target target;
    std::optional<ObservationType> observationType; ///< empty: taken from body.type
    bool isUpdate;
    bool generationFields; ///< completionStartTime, model, modelParameters, usage*, cost*, prompt*
    bool endTime;
    bool idRequired;
    bool promptPairRule; ///< promptName and promptVersion must come together
};

constexpr EventTypeInfo kEventTypes[] = {
    { "trace-create", Target::Trace, std::nullopt, false, false, false, false, false },
    { "score-create", Target::Score, std::nullopt, false, false, false, false, false },
    { "span-create", Target::Observation, ObservationType::Span, false, false, true, true, false },
    { "span-update", Target::Observation, ObservationType::Span, true, false, true, true, false },
    { "generation-create", Target::Observation, ObservationType::Generation, false, true, true, true, true },
    { "generation-update", Target::Observation, ObservationType::Generation, true, true, true, true, true },
    { "event-create", Target::Observation, ObservationType::Event, false, false, false, true, false },
    { "agent-create", Target::Observation, ObservationType::Agent, false, true, true, true, true },
    { "tool-create", Target::Observation, ObservationType::Tool, false, true, true, true, true },
    { "chain-create", Target::Observation, ObservationType::Chain, false, true, true, true, true },
    { "retriever-create", Target::Observation, ObservationType::Retriever, false, true, true, true, true },
    { "evaluator-create", Target::Observation, ObservationType::Evaluator, false, true, true, true, true },
    { "embedding-create", Target::Observation, ObservationType::Embedding, false, true, true, true, true },
    { "guardrail-create", Target::Observation, ObservationType::Guardrail, false, true, true, true, true },
    { "observation-create", Target::Observation, std::nullopt, false, true, true, false, false },
    { "observation-update", Target::Observation, std::nullopt, true, true, true, false, false },
    { "sdk-log", Target::SdkLog, std::nullopt, false, false, false, false, false },
    { "dataset-run-item-create", Target::DatasetRunItem, std::nullopt, false, false, false, false, false },
};

const EventTypeInfo *findEventType(const FlatJsonValue &type)
{
    for (const EventTypeInfo &info : kEventTypes) {
        if (type.stringEquals(info.name))
            return &info;
    }
    return nullptr;
}

QString expected(const char *what, const FlatJsonValue &value)
{
    return QStringLiteral("Expected ") + QLatin1String(what) + QStringLiteral(", received ")
        + jsonTypeName(value);
}

/// Strict field reads: a wrong type adds an issue ("body.name: Expected string, received number").
class Reader
{
public:
    QStringList issues;

    void add(const char *path, const QString &problem)
    {
        issues << QLatin1String(path) + QStringLiteral(": ") + problem;
    }
    void add(const QString &problem) { issues << problem; }

    QString string(const FlatJsonValue &v, const char *path)
    {
        if (v.isMissing())
            return {};
        if (!v.isString()) {
            add(path, expected("string", v));
            return {};
        }
        return v.toString();
    }

    QString id(const FlatJsonValue &v, const char *path, bool required)
    {
        if (v.isMissing()) {
            if (required)
                add(path, v.isNull() ? expected("string", v) : QStringLiteral("Required"));
            return {};
        }
        if (!v.isString()) {
            add(path, expected("string", v));
            return {};
        }
        QString s = v.toString();
        if (s.isEmpty())
            add(path, QStringLiteral("String must contain at least 1 character(s)"));
        else if (s.size() > 800)
            add(path, QStringLiteral("String must contain at most 800 character(s)"));
        else if (s.contains(u'\r'))
            add(path, QStringLiteral("ID cannot contain carriage return characters"));
        else
            return s;
        return {};
    }

    std::optional<qint64> time(const FlatJsonValue &v, const char *path)
    {
        if (v.isMissing())
            return std::nullopt;
        if (!v.isString()) {
            add(path, expected("string", v));
            return std::nullopt;
        }
        const std::optional<qint64> ns = timestampNs(v);
        if (!ns)
            add(path, QStringLiteral("Invalid datetime"));
        return ns;
    }

    std::optional<bool> boolean(const FlatJsonValue &v, const char *path)
    {
        if (v.isMissing())
            return std::nullopt;
        if (!v.isBool()) {
            add(path, expected("boolean", v));
            return std::nullopt;
        }
        return v.toBool();
    }

    std::optional<int> integer(const FlatJsonValue &v, const char *path)
    {
        if (v.isMissing())
            return std::nullopt;
        const std::optional<qint64> n = v.toInteger();
        if (!n || *n < std::numeric_limits<int>::min() || *n > std::numeric_limits<int>::max()) {
            add(path,
                v.isNumber() ? QStringLiteral("Expected integer, received float") : expected("number", v));
            return std::nullopt;
        }
        return static_cast<int>(*n);
    }

    QStringList stringArray(const FlatJsonValue &v, const char *path)
    {
        QStringList out;
        if (v.isMissing())
            return out;
        if (!v.isArray()) {
            add(path, expected("array", v));
            return out;
        }
        bool bad = false;
        v.forEachElement([&](const FlatJsonValue &e) {
            if (e.isString())
                out << e.toString();
            else
                bad = true;
        });
        if (bad)
            add(path, QStringLiteral("Expected an array of strings"));
        return out;
    }

    std::optional<Level> level(const FlatJsonValue &v, const char *path)
    {
        if (v.isMissing())
            return std::nullopt;
        const std::optional<Level> level = v.isString() ? levelFromString(v.toString()) : std::nullopt;
        if (!level)
            add(path,
                QStringLiteral("Invalid enum value. Expected 'DEBUG' | 'DEFAULT' | 'WARNING' | 'ERROR'"));
        return level;
    }

    QString environment(const FlatJsonValue &v, const char *path)
    {
        const QString name = string(v, path);
        return v.isString() ? normalizeEnvironment(name) : QString();
    }

    void check(bool ok, const QString &error)
    {
        if (!ok)
            add(QStringLiteral("body.") + error);
    }
};

using Record = std::variant<std::monostate, TraceRecord, ObservationRecord, ScoreRecord>;

Record readTrace(const FlatJsonValue &body, qint64 envelopeNs, Reader &r)
{
    static const JsonFieldTable table { "id", "timestamp", "name", "externalId", "input", "output",
        "sessionId", "userId", "environment", "metadata", "release", "version", "public", "tags" };
    enum {
        Id,
        Timestamp,
        Name,
        ExternalId,
        Input,
        Output,
        SessionId,
        UserId,
        Environment,
        Metadata,
        Release,
        Version,
        Public,
        Tags,
        Count
    };
    FlatJsonValue f[Count];
    table.collect(body, f);

    TraceRecord t;
    t.id = r.id(f[Id], "body.id", false);
    t.timestampNs = r.time(f[Timestamp], "body.timestamp");
    t.name = r.string(f[Name], "body.name");
    if (t.name.size() > 1000)
        r.add("body.name", QStringLiteral("String must contain at most 1000 character(s)"));
    r.string(f[ExternalId], "body.externalId");
    t.sessionId = r.string(f[SessionId], "body.sessionId");
    t.userId = r.string(f[UserId], "body.userId");
    t.environment = r.environment(f[Environment], "body.environment");
    t.release = r.string(f[Release], "body.release");
    t.version = r.string(f[Version], "body.version");
    t.isPublic = r.boolean(f[Public], "body.public");
    t.tags = r.stringArray(f[Tags], "body.tags");
    if (!r.issues.isEmpty() || t.id.isEmpty())
        return {};
    t.input = payloadText(f[Input]);
    t.output = payloadText(f[Output]);
    t.metadata = metadataText(f[Metadata]);
    if (!t.timestampNs)
        t.timestampNs = envelopeNs;
    if (t.environment.isNull())
        t.environment = defaultEnvironment();
    return t;
}

Record readObservation(const FlatJsonValue &body, const EventTypeInfo &info, qint64 envelopeNs, Reader &r)
{
    static const JsonFieldTable table {
        "id",
        "traceId",
        "name",
        "startTime",
        "endTime",
        "completionStartTime",
        "model",
        "modelParameters",
        "input",
        "output",
        "metadata",
        "level",
        "statusMessage",
        "parentObservationId",
        "version",
        "environment",
        "usage",
        "usageDetails",
        "costDetails",
        "promptName",
        "promptVersion",
        "type",
    };
    enum {
        Id,
        TraceId,
        Name,
        StartTime,
        EndTime,
        CompletionStartTime,
        Model,
        ModelParameters,
        Input,
        Output,
        Metadata,
        LevelF,
        StatusMessage,
        ParentId,
        Version,
        Environment,
        Usage,
        UsageDetailsF,
        CostDetailsF,
        PromptName,
        PromptVersion,
        Type,
        Count
    };
    FlatJsonValue f[Count];
    table.collect(body, f);

    ObservationRecord o;
    o.id = r.id(f[Id], "body.id", info.idRequired);
    o.traceId = r.id(f[TraceId], "body.traceId", false);
    o.type = info.observationType;
    if (!info.observationType) {
        if (!f[Type].isMissing() && f[Type].isString())
            o.type = observationTypeFromString(f[Type].toString());
        if (f[Type].isMissing())
            r.add("body.type", f[Type].isNull() ? expected("string", f[Type]) : QStringLiteral("Required"));
        else if (!o.type)
            r.add("body.type",
                QStringLiteral("Invalid enum value. Expected 'SPAN' | 'GENERATION' | 'EVENT' | "
                               "'AGENT' | 'TOOL' | 'CHAIN' | 'RETRIEVER' | 'EVALUATOR' | "
                               "'EMBEDDING' | 'GUARDRAIL'"));
    }
    o.name = r.string(f[Name], "body.name");
    o.startNs = r.time(f[StartTime], "body.startTime");
    if (info.endTime)
        o.endNs = r.time(f[EndTime], "body.endTime");
    o.level = r.level(f[LevelF], "body.level");
    o.statusMessage = r.string(f[StatusMessage], "body.statusMessage");
    o.parentId = r.string(f[ParentId], "body.parentObservationId");
    o.version = r.string(f[Version], "body.version");
    o.environment = r.environment(f[Environment], "body.environment");

    if (info.generationFields) {
        o.completionStartNs = r.time(f[CompletionStartTime], "body.completionStartTime");
        o.model = r.string(f[Model], "body.model");
        QString error;
        r.check(
            modelParametersText(f[ModelParameters], Strictness::Strict, o.modelParameters, &error), error);
        UsageDetails details, legacyUsage;
        CostDetails cost, legacyCost;
        error.clear();
        r.check(usageDetailsFrom(f[UsageDetailsF], Strictness::Strict, details, &error), error);
        error.clear();
        r.check(legacyUsageFrom(f[Usage], Strictness::Strict, legacyUsage, legacyCost, &error), error);
        error.clear();
        r.check(costDetailsFrom(f[CostDetailsF], Strictness::Strict, cost, &error), error);
        o.usage = details.isEmpty() ? legacyUsage : details;
        o.cost = cost.isEmpty() ? legacyCost : cost;
        o.promptName = r.string(f[PromptName], "body.promptName");
        o.promptVersion = r.integer(f[PromptVersion], "body.promptVersion");
        // Langfuse's refine: both or neither (by JavaScript truthiness).
        const bool hasName = !o.promptName.isEmpty();
        const bool hasVersion = o.promptVersion.value_or(0) != 0;
        if (info.promptPairRule && hasName != hasVersion)
            r.add("body", QStringLiteral("promptName and promptVersion must be set together"));
    }
    if (!r.issues.isEmpty() || o.id.isEmpty())
        return {};
    o.input = payloadText(f[Input]);
    o.output = payloadText(f[Output]);
    o.metadata = metadataText(f[Metadata]);
    if (!info.isUpdate) {
        if (!o.startNs)
            o.startNs = envelopeNs;
        if (o.environment.isNull())
            o.environment = defaultEnvironment();
    }
    return o;
}

Record readScore(const FlatJsonValue &body, qint64 envelopeNs, Reader &r)
{
    static const JsonFieldTable table { "id", "name", "traceId", "sessionId", "datasetRunId", "environment",
        "observationId", "comment", "metadata", "source", "value", "dataType", "configId", "queueId" };
    enum {
        Id,
        Name,
        TraceId,
        SessionId,
        DatasetRunId,
        Environment,
        ObservationId,
        Comment,
        Metadata,
        Source,
        Value,
        DataType,
        ConfigId,
        QueueId,
        Count
    };
    FlatJsonValue f[Count];
    table.collect(body, f);

    ScoreRecord s;
    s.id = r.id(f[Id], "body.id", false);
    if (f[Name].isUndefined())
        r.add("body.name", QStringLiteral("Required"));
    s.name = r.string(f[Name], "body.name");
    if (f[Name].isString() && s.name.isEmpty())
        r.add("body.name", QStringLiteral("String must contain at least 1 character(s)"));
    s.traceId = r.string(f[TraceId], "body.traceId");
    s.sessionId = r.string(f[SessionId], "body.sessionId");
    r.string(f[DatasetRunId], "body.datasetRunId");
    s.observationId = r.string(f[ObservationId], "body.observationId");
    s.environment = r.environment(f[Environment], "body.environment");
    s.comment = r.string(f[Comment], "body.comment");
    r.string(f[ConfigId], "body.configId");
    r.string(f[QueueId], "body.queueId");

    s.source = QStringLiteral("API");
    if (!f[Source].isMissing()) {
        const QString source = f[Source].isString() ? f[Source].toString() : QString();
        if (source == u"API" || source == u"EVAL" || source == u"ANNOTATION")
            s.source = source;
        else
            r.add(
                "body.source", QStringLiteral("Invalid enum value. Expected 'API' | 'EVAL' | 'ANNOTATION'"));
    }

    if (!f[DataType].isMissing()) {
        s.dataType = f[DataType].isString() ? scoreDataTypeFromString(f[DataType].toString()) : std::nullopt;
        if (!s.dataType)
            r.add("body.dataType",
                QStringLiteral("Invalid enum value. Expected 'NUMERIC' | 'CATEGORICAL' | "
                               "'BOOLEAN' | 'TEXT' | 'CORRECTION'"));
    }
    const FlatJsonValue &value = f[Value];
    if (value.isUndefined()) {
        r.add("body.value", QStringLiteral("Required"));
    } else if (!value.isNumber() && !value.isString()) {
        r.add("body.value", expected("number or string", value));
    } else if (r.issues.isEmpty()) {
        if (!s.dataType)
            s.dataType = value.isNumber() ? ScoreDataType::Numeric : ScoreDataType::Categorical;
        const std::optional<double> number = value.toDouble();
        switch (*s.dataType) {
        case ScoreDataType::Numeric:
            if (value.isNumber() && number)
                s.value = number;
            else
                r.add("body.value", expected("number", value));
            break;
        case ScoreDataType::Boolean:
            if (number && (*number == 0.0 || *number == 1.0)) {
                s.value = *number;
                s.stringValue = *number == 1.0 ? QStringLiteral("True") : QStringLiteral("False");
            } else {
                r.add("body.value",
                    QStringLiteral("Value must be a number equal to either 0 or 1 for data type BOOLEAN"));
            }
            break;
        case ScoreDataType::Categorical:
        case ScoreDataType::Correction:
            if (value.isString())
                s.stringValue = value.toString();
            else
                r.add("body.value", expected("string", value));
            if (*s.dataType == ScoreDataType::Correction)
                s.value = 0.0;
            break;
        case ScoreDataType::Text:
            if (!value.isString())
                r.add("body.value", expected("string", value));
            else if (const QString text = value.toString(); text.isEmpty() || text.size() > 500)
                r.add("body.value", QStringLiteral("Text score values must be between 1 and 500 characters"));
            else
                s.stringValue = text;
            break;
        }
    }
    if (!r.issues.isEmpty() || s.id.isEmpty())
        return {};
    s.metadata = metadataText(f[Metadata]);
    s.timestampNs = envelopeNs;
    if (s.environment.isNull())
        s.environment = defaultEnvironment();
    return s;
}

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
