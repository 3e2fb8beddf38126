// Model parameters of a recorded generation -> ReplayParameters (OpenAI, Anthropic, Gemini,
// Responses and OTel gen_ai.request.* spellings; numbers recorded as strings are numbers).
#include "replayparameters_p.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace tg::replaydetail {

namespace {

using Severity = FidelityNote::Severity;

QString tr(const char *text)
{
    return QCoreApplication::translate("ReplayRequest", text);
}

QByteArray compact(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    return QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact).mid(1).chopped(1);
}

std::optional<double> numberOf(const QJsonValue &value)
{
    if (value.isDouble())
        return value.toDouble();
    if (value.isString()) {
        bool ok = false;
        const double d = value.toString().trimmed().toDouble(&ok);
        if (ok)
            return d;
    }
    return std::nullopt;
}

/// Passed through as given (numbers recorded as strings become numbers).
QJsonValue passThrough(const QJsonValue &value)
{
    if (value.isString()) {
        const QString text = value.toString().trimmed();
        if (text == u"true" || text == u"false")
            return text == u"true";
        if (const auto number = numberOf(value))
            return *number;
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
        if (doc.isObject())
            return doc.object();
        if (doc.isArray())
            return doc.array();
    }
    return value;
}

QStringList stopOf(const QJsonValue &value)
{
    QStringList out;
    QJsonValue v = value;
    if (v.isString()) {
        const QJsonDocument doc = QJsonDocument::fromJson(v.toString().toUtf8());
        if (!doc.isArray())
            return v.toString().isEmpty() ? out : QStringList { v.toString() };
        v = doc.array();
    }
    for (const QJsonValue &s : v.toArray()) {
        if (s.isString() && !s.toString().isEmpty())
            out << s.toString();
    }
    return out;
}

QJsonValue lowerTypes(const QJsonValue &value, int depth = 0)
{
    if (depth > 64)
        return value;
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &v : value.toArray())
            out.append(lowerTypes(v, depth + 1));
        return out;
    }
    if (!value.isObject())
        return value;
    QJsonObject out;
    const QJsonObject in = value.toObject();
    for (auto it = in.begin(); it != in.end(); ++it) {
        const QString text = it.value().toString();
        if (it.key() == u"type" && it.value().isString() && text == text.toUpper())
            out.insert(it.key(), text.toLower());
        else
            out.insert(it.key(), lowerTypes(it.value(), depth + 1));
    }
    return out;
}

/// Any spelling of tool_choice as the OpenAI value ("auto", "none", "required", {function}).
QByteArray toolChoiceOf(const QJsonValue &value)
{
    QJsonValue v = passThrough(value);
    if (v.isString()) {
        const QString s = v.toString().toLower();
        if (s == u"any" || s == u"required")
            return "\"required\"";
        if (s == u"auto" || s == u"none")
            return compact(s);
        return {};
    }
    const QJsonObject o = v.toObject();
    const QString type = o.value(QStringLiteral("type")).toString();
    QString name = o.value(QStringLiteral("function")).toObject().value(QStringLiteral("name")).toString();
    if (name.isEmpty())
        name = o.value(QStringLiteral("name")).toString();
    if ((type == u"function" || type == u"tool") && !name.isEmpty())
        return compact(QJsonObject { { QStringLiteral("type"), QStringLiteral("function") },
            { QStringLiteral("function"), QJsonObject { { QStringLiteral("name"), name } } } });
    if (type == u"any")
        return "\"required\"";
    if (type == u"auto" || type == u"none")
        return compact(type);
    return {};
}

/// Gemini's tool_config: {function_calling_config: {mode, allowed_function_names}}.
QByteArray toolChoiceOfGemini(const QJsonObject &toolConfig)
{
    QJsonObject config = toolConfig.value(QStringLiteral("functionCallingConfig")).toObject();
    if (config.isEmpty())
        config = toolConfig.value(QStringLiteral("function_calling_config")).toObject();
    const QString mode = config.value(QStringLiteral("mode")).toString().toLower();
    QJsonArray allowed = config.value(QStringLiteral("allowedFunctionNames")).toArray();
    if (allowed.isEmpty())
        allowed = config.value(QStringLiteral("allowed_function_names")).toArray();
    if (mode == u"any" && allowed.size() == 1)
        return toolChoiceOf(QJsonObject { { QStringLiteral("type"), QStringLiteral("tool") },
            { QStringLiteral("name"), allowed.at(0).toString() } });
    return mode.isEmpty() ? QByteArray() : toolChoiceOf(mode);
}

/// Responses API text.format -> response_format.
QByteArray responseFormatOfText(const QJsonValue &text)
{
    const QJsonObject format = text.toObject().value(QStringLiteral("format")).toObject();
    const QString type = format.value(QStringLiteral("type")).toString();
    if (type == u"json_object")
        return R"({"type":"json_object"})";
    if (type != u"json_schema")
        return {};
    QJsonObject schema;
    for (const QString &key : { QStringLiteral("name"), QStringLiteral("schema"), QStringLiteral("strict"),
             QStringLiteral("description") }) {
        if (format.contains(key))
            schema.insert(key, format.value(key));
    }
    return compact(QJsonObject { { QStringLiteral("type"), QStringLiteral("json_schema") },
        { QStringLiteral("json_schema"), schema } });
}

const QStringList &structuralKeys()
{
    static const QStringList keys { QStringLiteral("model"), QStringLiteral("messages"),
        QStringLiteral("tools"), QStringLiteral("functions"), QStringLiteral("input"),
        QStringLiteral("instructions"), QStringLiteral("system"), QStringLiteral("contents"),
        QStringLiteral("stream"), QStringLiteral("stream_options"), QStringLiteral("system_instruction"),
        QStringLiteral("config"), QStringLiteral("generation_config"), QStringLiteral("tool_config"),
        QStringLiteral("text"), QStringLiteral("metadata"), QStringLiteral("store"), QStringLiteral("prompt"),
        QStringLiteral("response_schema"), QStringLiteral("response_json_schema"),
        QStringLiteral("response_mime_type"), QStringLiteral("function_call"),
        QStringLiteral("safety_settings") };
    return keys;
}

const QStringList &passThroughKeys()
{
    static const QStringList keys { QStringLiteral("frequency_penalty"), QStringLiteral("presence_penalty"),
        QStringLiteral("top_k"), QStringLiteral("min_p"), QStringLiteral("repetition_penalty"),
        QStringLiteral("logit_bias"), QStringLiteral("logprobs"), QStringLiteral("top_logprobs"),
        QStringLiteral("parallel_tool_calls"), QStringLiteral("reasoning_effort"), QStringLiteral("thinking"),
        QStringLiteral("user") };
    return keys;
}

} // namespace

QString snakeCase(const QString &key)
{
    QString out;
    out.reserve(key.size() + 4);
    for (qsizetype i = 0; i < key.size(); ++i) {
        const QChar c = key.at(i);
        if (c.isUpper() && i > 0 && key.at(i - 1) != u'_')
            out += u'_';
        out += c.toLower();
    }
    return out;
}

QString normalisedSchema(const QString &schema)
{
    if (schema.trimmed().isEmpty())
        return {};
    const QJsonDocument doc = QJsonDocument::fromJson(schema.toUtf8());
    if (!doc.isObject())
        return schema;
    return QString::fromUtf8(compact(lowerTypes(doc.object())));
}

void readParameters(ReplayRequest &request, const QJsonObject &input, const QJsonObject &modelParameters)
{
    // One flat map in snake_case; later sources win: the request, Gemini's config, model parameters.
    QJsonObject merged;
    const auto add = [&merged](const QJsonObject &o) {
        for (auto it = o.begin(); it != o.end(); ++it)
            merged.insert(snakeCase(it.key()), it.value());
    };
    add(input);
    for (const QString &key :
        { QStringLiteral("generationConfig"), QStringLiteral("generation_config"), QStringLiteral("config") })
        add(input.value(key).toObject());
    add(modelParameters);

    ReplayParameters &p = request.parameters;
    for (auto it = merged.begin(); it != merged.end(); ++it) {
        const QString &key = it.key();
        const QJsonValue &value = it.value();
        if (value.isNull() || value.isUndefined())
            continue;
        if (key == u"temperature") {
            p.temperature = numberOf(value);
        } else if (key == u"top_p") {
            p.topP = numberOf(value);
        } else if (key == u"max_tokens" || key == u"max_completion_tokens" || key == u"max_output_tokens"
            || key == u"max_new_tokens" || key == u"num_predict") {
            if (const auto n = numberOf(value); n && *n > 0 && (!p.maxTokens || key == u"max_tokens"))
                p.maxTokens = qint64(*n);
        } else if (key == u"stop" || key == u"stop_sequences") {
            p.stop = stopOf(value);
        } else if (key == u"seed") {
            if (const auto n = numberOf(value))
                p.seed = qint64(*n);
        } else if (key == u"response_format") {
            const QJsonValue v = passThrough(value);
            if (v.isObject() && v.toObject().value(QStringLiteral("type")).toString() != u"text")
                p.responseFormat = compact(v);
            else if (v.isString() && v.toString().startsWith(u"json"))
                p.responseFormat = R"({"type":"json_object"})";
        } else if (key == u"tool_choice") {
            p.toolChoice = toolChoiceOf(value);
            if (p.toolChoice.isEmpty())
                request.note(Severity::Lost,
                    tr("The tool choice %1 is not understood; it was not carried over.")
                        .arg(QString::fromUtf8(compact(value))));
        } else if (key == u"reasoning" && value.isObject()) {
            const QJsonValue effort = value.toObject().value(QStringLiteral("effort"));
            if (effort.isString())
                p.extra.insert(QStringLiteral("reasoning_effort"), effort);
        } else if (key == u"n" || key == u"candidate_count") {
            if (numberOf(value).value_or(1) > 1)
                request.note(Severity::Lost,
                    tr("%1 = %2 asked for several choices; a replay asks for one.")
                        .arg(key, QString::fromUtf8(compact(value))));
        } else if (passThroughKeys().contains(key)) {
            p.extra.insert(key, passThrough(value));
        } else if (!structuralKeys().contains(key)) {
            QString shown = QString::fromUtf8(compact(value));
            if (shown.size() > 60)
                shown = shown.left(57) + QStringLiteral("…");
            request.note(Severity::Lost,
                tr("The parameter %1 = %2 is not known; it was not carried over.").arg(key, shown));
        }
    }
    if (p.toolChoice.isEmpty()) {
        QJsonObject toolConfig = input.value(QStringLiteral("toolConfig")).toObject();
        if (toolConfig.isEmpty())
            toolConfig = input.value(QStringLiteral("tool_config")).toObject();
        if (toolConfig.isEmpty())
            toolConfig = input.value(QStringLiteral("config"))
                             .toObject()
                             .value(QStringLiteral("toolConfig"))
                             .toObject();
        p.toolChoice = toolChoiceOfGemini(toolConfig);
    }
    if (p.responseFormat.isEmpty() && merged.contains(QStringLiteral("text")))
        p.responseFormat = responseFormatOfText(merged.value(QStringLiteral("text")));
    if (p.responseFormat.isEmpty()
        && merged.value(QStringLiteral("response_mime_type")).toString() == u"application/json") {
        QJsonValue schema = merged.value(QStringLiteral("response_json_schema"));
        if (!schema.isObject())
            schema = merged.value(QStringLiteral("response_schema"));
        if (schema.isObject()) {
            p.responseFormat
                = compact(QJsonObject { { QStringLiteral("type"), QStringLiteral("json_schema") },
                    { QStringLiteral("json_schema"),
                        QJsonObject { { QStringLiteral("name"), QStringLiteral("response") },
                            { QStringLiteral("schema"), lowerTypes(schema) } } } });
        } else {
            p.responseFormat = R"({"type":"json_object"})";
        }
    }
    if (merged.contains(QStringLiteral("safety_settings")))
        request.note(Severity::Lost,
            tr("Gemini safety settings have no equivalent here; they were not carried over."));
}

} // namespace tg::replaydetail
