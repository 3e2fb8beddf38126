// The record readers of the Langfuse ingestion parser: one envelope body to a trace, observation or
// score record, with Langfuse's validation rules.
#include "langfuseingestion_p.h"

#include <algorithm>

namespace tg::langfuseingestion {

namespace {

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

} // namespace

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

} // namespace tg::langfuseingestion
