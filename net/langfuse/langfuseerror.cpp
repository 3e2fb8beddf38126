#include "langfuseerror.h"

#include "redaction.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace tg {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tg::LangfuseError", text);
}

QString hostLabel(const QString &host)
{
    const QUrl url(host);
    return url.host().isEmpty()
        ? host
        : url.host() + (url.port() > 0 ? u':' + QString::number(url.port()) : QString());
}

} // namespace

bool LangfuseError::isOffline() const
{
    switch (kind) {
    case Kind::Timeout:
    case Kind::HostNotFound:
    case Kind::ConnectionRefused:
    case Kind::ConnectionClosed:
    case Kind::Network:
        return true;
    case Kind::ServerError:
        // A gateway that cannot reach the server: the server is unreachable for us too.
        return httpStatus == 502 || httpStatus == 503 || httpStatus == 504 || httpStatus == 524;
    default:
        return false;
    }
}

QString LangfuseError::fullText() const
{
    if (detail.isEmpty())
        return message;
    return message + QLatin1String("\n") + detail;
}

LangfuseError LangfuseError::make(Kind kind, const QString &message, const QString &detail)
{
    LangfuseError e;
    e.kind = kind;
    e.message = redactSecrets(message);
    e.detail = redactSecrets(detail);
    return e;
}

QString LangfuseError::serverMessage(const QByteArray &body)
{
    QString text;
    const QJsonDocument doc = QJsonDocument::fromJson(body.left(64 * 1024));
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        text = o.value(QLatin1String("message")).toString();
        const QJsonValue error = o.value(QLatin1String("error"));
        if (error.isString() && !error.toString().isEmpty() && error.toString() != text)
            text += (text.isEmpty() ? QString() : QStringLiteral(" (")) + error.toString()
                + (text.isEmpty() ? QString() : QStringLiteral(")"));
    }
    if (text.isEmpty() && !body.isEmpty() && !body.trimmed().startsWith('<')) // skip HTML error pages
        text = QString::fromUtf8(body.left(300)).simplified();
    if (text.size() > 300)
        text = text.left(300) + QChar(0x2026);
    return redactSecrets(text);
}

LangfuseError LangfuseError::fromHttp(int status, const QByteArray &body, const QString &host)
{
    LangfuseError e;
    e.httpStatus = status;
    e.detail = serverMessage(body);
    const QString where = hostLabel(host);
    if (status == 401) {
        e.kind = Kind::Unauthorized;
        e.message = tr("%1 rejected the API keys (401). Check the public and secret key, and that they "
                       "belong to this host: Cloud EU, US, JP and HIPAA keys differ.")
                        .arg(where);
    } else if (status == 403) {
        e.kind = Kind::Forbidden;
        e.message = tr("%1 refused access (403). An organisation-scoped key or a key without access to "
                       "this project cannot read traces: create a project API key in the project's "
                       "settings.")
                        .arg(where);
    } else if (status == 404) {
        e.kind = Kind::NotFound;
        e.message = tr("%1 has no such resource or endpoint (404).").arg(where);
    } else if (status == 429) {
        e.kind = Kind::RateLimited;
        e.message = tr("%1 is rate-limiting this organisation (429). Traceglass waits and retries; choose "
                       "the right plan in the connection settings to stay under the limit.")
                        .arg(where);
    } else if (status >= 500) {
        e.kind = Kind::ServerError;
        if (status == 524)
            e.message = tr("%1 timed out answering (524): the query was too heavy. A narrower time window "
                           "helps.")
                            .arg(where);
        else if (status == 502 || status == 503 || status == 504)
            e.message = tr("%1 is temporarily unavailable (%2).").arg(where).arg(status);
        else
            e.message = tr("%1 failed with a server error (%2).").arg(where).arg(status);
    } else if (status >= 400) {
        e.kind = Kind::BadRequest;
        e.message = tr("%1 refused the request (%2).").arg(where).arg(status);
    } else {
        e.kind = Kind::InvalidResponse;
        e.message = tr("%1 gave an unexpected answer (%2).").arg(where).arg(status);
    }
    e.message = redactSecrets(e.message);
    return e;
}

QString langfuseErrorKindName(LangfuseError::Kind kind)
{
    using K = LangfuseError::Kind;
    switch (kind) {
    case K::None:
        return QStringLiteral("none");
    case K::Unauthorized:
        return QStringLiteral("unauthorized");
    case K::Forbidden:
        return QStringLiteral("forbidden");
    case K::NotFound:
        return QStringLiteral("not-found");
    case K::RateLimited:
        return QStringLiteral("rate-limited");
    case K::BadRequest:
        return QStringLiteral("bad-request");
    case K::ServerError:
        return QStringLiteral("server-error");
    case K::Timeout:
        return QStringLiteral("timeout");
    case K::HostNotFound:
        return QStringLiteral("host-not-found");
    case K::ConnectionRefused:
        return QStringLiteral("connection-refused");
    case K::ConnectionClosed:
        return QStringLiteral("connection-closed");
    case K::Tls:
        return QStringLiteral("tls");
    case K::Network:
        return QStringLiteral("network");
    case K::InvalidResponse:
        return QStringLiteral("invalid-response");
    case K::Cancelled:
        return QStringLiteral("cancelled");
    case K::NoSecret:
        return QStringLiteral("no-secret");
    }
    return {};
}

} // namespace tg
