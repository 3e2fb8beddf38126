#include "otlpjsonsupport.h"

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

std::optional<QJsonObject> parseDocument(QByteArrayView json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document
        = QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), json.size()), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const qsizetype offset = std::clamp<qsizetype>(parseError.offset, 0, json.size());
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
        if (error) {
            *error = json.trimmed().isEmpty()
                ? QStringLiteral("invalid JSON: the body is empty")
                : QStringLiteral("invalid JSON at line %1, column %2 (byte %3): %4")
                      .arg(line)
                      .arg(column)
                      .arg(offset)
                      .arg(parseError.errorString());
        }
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
