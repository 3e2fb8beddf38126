#include "otlpjsonsupport.h"

#include "flatjson.h"

#include <QJsonDocument>

#include <algorithm>

namespace tg {

namespace otlpjson {

bool isAbsent(const QJsonValue &value)
{
    return value.isUndefined() || value.isNull();
}

QJsonValue field(const QJsonObject &object, QLatin1String camel, QLatin1String snake)
{
    QJsonValue value = object.value(camel);
    if (value.isUndefined() && snake.size() > 0)
        value = object.value(snake);
    return value;
}

QString shortened(const QString &text)
{
    return text.size() > 40 ? text.left(40) + u'…' : text;
}

namespace {

QString locatedError(QByteArrayView json, qsizetype errorOffset, const QString &reason)
{
    if (json.trimmed().isEmpty())
        return QStringLiteral("invalid JSON: the body is empty");
    const qsizetype offset = std::clamp<qsizetype>(errorOffset, 0, json.size());
    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < offset; ++i) {
        if (json[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return QStringLiteral("invalid JSON at line %1, column %2 (byte %3): %4")
        .arg(line)
        .arg(column)
        .arg(offset)
        .arg(reason);
}

} // namespace

bool parseFlatDocument(QByteArrayView json, FlatJson &document, QString *error)
{
    if (!document.parse(QByteArray::fromRawData(json.data(), json.size()), FlatJson::kDefaultMaxDepth,
            FlatJson::Utf8Policy::Reject)) {
        if (error) {
            QString reason = document.errorString();
            const qsizetype at = reason.lastIndexOf(QLatin1String(" at offset "));
            if (at > 0)
                reason.truncate(at);
            *error = locatedError(json, document.errorOffset(), reason);
        }
        return false;
    }
    if (!document.root().isObject()) {
        if (error)
            *error = QStringLiteral("invalid OTLP JSON: the top level must be an object");
        return false;
    }
    return true;
}

std::optional<QJsonObject> parseDocument(QByteArrayView json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document
        = QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), json.size()), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (error)
            *error = locatedError(json, parseError.offset, parseError.errorString());
        return std::nullopt;
    }
    if (!document.isObject()) {
        if (error)
            *error = QStringLiteral("invalid OTLP JSON: the top level must be an object");
        return std::nullopt;
    }
    return document.object();
}

} // namespace otlpjson

} // namespace tg
