#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace tg {

/// Why a Langfuse request failed, with a message for the UI. Messages and details never hold
/// a secret (they pass through redactSecrets) and name the host so the user knows which one.
struct LangfuseError
{
    enum class Kind : quint8 {
        None,
        Unauthorized, ///< 401: wrong keys, or keys of another host/region
        Forbidden, ///< 403: organisation key, missing scope, suspended ingestion
        NotFound, ///< 404 (for list endpoints: the server lacks the endpoint)
        RateLimited, ///< 429 that outlasted the retries (or a Retry-After too long to wait)
        BadRequest, ///< other 4xx
        ServerError, ///< 5xx
        Timeout, ///< no connection, or no data, within the configured time
        HostNotFound, ///< DNS
        ConnectionRefused,
        ConnectionClosed, ///< reset or closed mid-answer (a truncated body)
        Tls, ///< handshake or certificate failure; detail holds the certificate
        Network, ///< any other transport failure
        InvalidResponse, ///< not JSON, or not the shape the endpoint promises
        Cancelled, ///< the caller moved on
        NoSecret, ///< no secret key for the connection (keychain empty or unavailable)
    };

    Kind kind = Kind::None;
    int httpStatus = 0; ///< 0 when no HTTP answer came
    QString message; ///< one or two sentences for the UI
    QString detail; ///< the server's own message, or certificate details for TLS
    qint64 retryAfterMs = -1; ///< from a 429, when given

    bool ok() const { return kind == Kind::None; }
    /// The host could not be reached at all: show cached data and an offline indicator.
    bool isOffline() const;
    /// The keys are wrong for this host or not allowed: retrying will not help.
    bool isAuthFailure() const { return kind == Kind::Unauthorized || kind == Kind::Forbidden; }
    /// message plus detail, for a tooltip or a status line.
    QString fullText() const;

    static LangfuseError fromHttp(int status, const QByteArray &body, const QString &host);
    static LangfuseError make(Kind kind, const QString &message, const QString &detail = {});
    /// The server's "message" (and "error") from a Langfuse error body, shortened and redacted.
    static QString serverMessage(const QByteArray &body);
};

QString langfuseErrorKindName(LangfuseError::Kind kind);

} // namespace tg

Q_DECLARE_METATYPE(tg::LangfuseError)
