#pragma once
// Helpers shared by the OTLP/JSON decoders (traces, logs, metrics); internal to models/mapping.

#include <QByteArrayView>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace tg {
class FlatJson;
}

namespace tg::otlpjson {

/// Absent or null: protobuf's JSON mapping reads null as "not set".
bool isAbsent(const QJsonValue &value);
/// A field under its lowerCamelCase name or, as protobuf's JSON parser also accepts, its
/// snake_case name.
QJsonValue field(const QJsonObject &object, QLatin1String camel, QLatin1String snake = {});
/// `text` cut to 40 characters for error messages.
QString shortened(const QString &text);
/// Parses a request body that must be a JSON object; on failure says where and why.
std::optional<QJsonObject> parseDocument(QByteArrayView json, QString *error);
/// The same for the trace decoder, which walks a FlatJson (several times faster than QJsonDocument
/// on large requests). `document` refers to `json`'s bytes: keep them alive while it is used.
bool parseFlatDocument(QByteArrayView json, FlatJson &document, QString *error);

} // namespace tg::otlpjson
