#include "replayrequest.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace tg {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ReplayRequest", text);
}

/// JSON text as a value: objects and arrays parsed, anything else kept as a string.
QJsonValue jsonValueOf(const QString &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
    if (doc.isObject())
        return doc.object();
    if (doc.isArray())
        return doc.array();
    return text;
}

QString compactText(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    if (value.isString())
        return value.toString();
    if (value.isUndefined() || value.isNull())
        return {};
    return QString::fromUtf8(QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

bool parseArray(const QByteArray &json, QJsonArray *array, QString *error)
{
    if (json.trimmed().isEmpty()) {
        *array = {};
        return true;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = tr("not valid JSON: %1 at offset %2").arg(parseError.errorString()).arg(parseError.offset);
        return false;
    }
    if (!doc.isArray()) {
        *error = tr("expected a JSON array");
        return false;
    }
    *array = doc.array();
    return true;
}

} // namespace

QString fidelitySeverityName(FidelityNote::Severity severity)
{
    switch (severity) {
    case FidelityNote::Severity::Info:
        return tr("info");
    case FidelityNote::Severity::Warning:
        return tr("warning");
    case FidelityNote::Severity::Lost:
        return tr("lost");
    }
    return {};
}

bool ReplayRequest::hasToolCalls() const
{
    for (const ReplayMessage &m : messages) {
        if (!m.toolCalls.empty() || m.role == u"tool")
            return true;
    }
    return false;
}

QString ReplayRequest::systemPrompt() const
{
    QStringList texts;
    for (const ReplayMessage &m : messages) {
        if (m.role == u"system" && !m.content.isEmpty())
            texts << m.content;
    }
    return texts.join(QStringLiteral("\n\n"));
}

void ReplayRequest::setSystemPrompt(const QString &text)
{
    std::vector<ReplayMessage> out;
    out.reserve(messages.size() + 1);
    if (!text.isEmpty()) {
        out.emplace_back();
        out.back().role = QStringLiteral("system");
        out.back().content = text;
    }
    for (const ReplayMessage &m : messages) {
        if (m.role != u"system")
            out.push_back(m);
    }
    messages = std::move(out);
}

QString ReplayRequest::validate() const
{
    if (model.trimmed().isEmpty())
        return tr("No model is set.");
    bool any = false;
    for (size_t i = 0; i < messages.size(); ++i) {
        const ReplayMessage &m = messages[i];
        static const QStringList roles { QStringLiteral("system"), QStringLiteral("user"),
            QStringLiteral("assistant"), QStringLiteral("tool") };
        if (!roles.contains(m.role))
            return tr("Message %1 has the role \"%2\"; use system, user, assistant or tool.")
                .arg(i + 1)
                .arg(m.role);
        if (m.role != u"system")
            any = true;
        for (const ReplayToolCall &call : m.toolCalls) {
            if (call.name.trimmed().isEmpty())
                return tr("A tool call in message %1 has no name.").arg(i + 1);
        }
        if (m.role == u"tool" && m.toolCallId.isEmpty())
            return tr("Tool result %1 does not say which call it answers (tool call id).").arg(i + 1);
    }
    if (!any)
        return tr("There is no user message to send.");
    for (const ReplayTool &tool : tools) {
        if (tool.name.trimmed().isEmpty())
            return tr("A tool definition has no name.");
    }
    return {};
}

void ReplayRequest::note(FidelityNote::Severity severity, const QString &text)
{
    for (const FidelityNote &n : fidelity) {
        if (n.text == text)
            return;
    }
    fidelity.push_back({ severity, text });
}

void ReplayOverrides::apply(ReplayRequest &request) const
{
    if (!model.trimmed().isEmpty())
        request.model = model.trimmed();
    if (temperature)
        request.parameters.temperature = temperature;
    if (maxTokens)
        request.parameters.maxTokens = maxTokens;
    switch (systemMode) {
    case SystemPrompt::Keep:
        break;
    case SystemPrompt::Replace:
        request.setSystemPrompt(systemPrompt);
        request.note(FidelityNote::Severity::Info, tr("The system prompt was replaced for this replay."));
        break;
    case SystemPrompt::Append: {
        const QString recorded = request.systemPrompt();
        request.setSystemPrompt(
            recorded.isEmpty() ? systemPrompt : recorded + QStringLiteral("\n\n") + systemPrompt);
        request.note(
            FidelityNote::Severity::Info, tr("Text was added to the system prompt for this replay."));
        break;
    }
    }
}

QByteArray replayToolsToJson(const std::vector<ReplayTool> &tools)
{
    QJsonArray array;
    for (const ReplayTool &tool : tools) {
        QJsonObject o;
        o.insert(QStringLiteral("name"), tool.name);
        if (!tool.description.isEmpty())
            o.insert(QStringLiteral("description"), tool.description);
        const QJsonValue parameters = jsonValueOf(tool.parameters);
        o.insert(QStringLiteral("parameters"),
            parameters.isObject()
                ? parameters
                : QJsonValue(QJsonObject { { QStringLiteral("type"), QStringLiteral("object") } }));
        array.append(o);
    }
    return QJsonDocument(array).toJson(QJsonDocument::Indented);
}

bool replayToolsFromJson(const QByteArray &json, std::vector<ReplayTool> *tools, QString *error)
{
    QJsonArray array;
    if (!parseArray(json, &array, error))
        return false;
    std::vector<ReplayTool> out;
    for (qsizetype i = 0; i < array.size(); ++i) {
        QJsonObject o = array.at(i).toObject();
        if (o.value(QStringLiteral("function")).isObject())
            o = o.value(QStringLiteral("function")).toObject();
        ReplayTool tool;
        tool.name = o.value(QStringLiteral("name")).toString();
        tool.description = o.value(QStringLiteral("description")).toString();
        QJsonValue schema = o.value(QStringLiteral("parameters"));
        if (schema.isUndefined())
            schema = o.value(QStringLiteral("input_schema"));
        if (tool.name.trimmed().isEmpty()) {
            *error = tr("tool %1 has no name").arg(i + 1);
            return false;
        }
        if (!schema.isUndefined() && !schema.isNull() && !schema.isObject()) {
            *error = tr("the parameters of tool \"%1\" are not a JSON object").arg(tool.name);
            return false;
        }
        tool.parameters = compactText(schema);
        out.push_back(std::move(tool));
    }
    *tools = std::move(out);
    return true;
}

QByteArray replayToolCallsToJson(const std::vector<ReplayToolCall> &calls)
{
    QJsonArray array;
    for (const ReplayToolCall &call : calls) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), call.id);
        o.insert(QStringLiteral("name"), call.name);
        o.insert(QStringLiteral("arguments"), jsonValueOf(call.arguments));
        array.append(o);
    }
    return QJsonDocument(array).toJson(QJsonDocument::Indented);
}

bool replayToolCallsFromJson(const QByteArray &json, std::vector<ReplayToolCall> *calls, QString *error)
{
    QJsonArray array;
    if (!parseArray(json, &array, error))
        return false;
    std::vector<ReplayToolCall> out;
    for (qsizetype i = 0; i < array.size(); ++i) {
        QJsonObject o = array.at(i).toObject();
        const QJsonObject function = o.value(QStringLiteral("function")).toObject();
        ReplayToolCall call;
        call.id = o.value(QStringLiteral("id")).toString();
        call.name = function.isEmpty() ? o.value(QStringLiteral("name")).toString()
                                       : function.value(QStringLiteral("name")).toString();
        const QJsonValue arguments = function.isEmpty() ? o.value(QStringLiteral("arguments"))
                                                        : function.value(QStringLiteral("arguments"));
        call.arguments = compactText(arguments);
        if (call.name.trimmed().isEmpty()) {
            *error = tr("tool call %1 has no name").arg(i + 1);
            return false;
        }
        out.push_back(std::move(call));
    }
    *calls = std::move(out);
    return true;
}

} // namespace tg
