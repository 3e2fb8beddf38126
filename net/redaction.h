#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <utility>

namespace tg {

/// What a redacted secret is replaced with.
inline constexpr char kRedacted[] = "[redacted]";

/// Replaces credentials in free text (log lines, error messages, request dumps): values of
/// Authorization / Proxy-Authorization / API-key headers and fields (the auth scheme is kept:
/// "Bearer [redacted]"), Langfuse secret keys (sk-lf-...), provider keys (sk-..., sk-ant-...),
/// passwords in URLs and key/token query parameters. Langfuse public keys (pk-lf-...) are kept.
QString redactSecrets(const QString &text);

/// True for headers whose whole value is a credential (Authorization, X-Api-Key, Cookie, ...).
bool isCredentialHeader(QByteArrayView name);

/// The value of one header as it may be logged: credential headers become "[redacted]" (keeping a
/// known auth scheme, "Basic [redacted]"); other values go through redactSecrets().
QByteArray redactHeaderValue(QByteArrayView name, QByteArrayView value);

/// "Name: value" lines, one per header, with every value redacted; for request/response logging.
QString headersForLog(const QList<std::pair<QByteArray, QByteArray>> &headers);

} // namespace tg
