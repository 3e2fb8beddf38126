#include "langfuselinks.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace tg {

LangfuseLocation langfuseLocation(const Source &source)
{
    LangfuseLocation location;
    if (source.kind != SourceKind::Langfuse)
        return location;
    const QJsonObject detail = QJsonDocument::fromJson(source.detail.toUtf8()).object();
    for (const char *key : { "host", "baseUrl", "base_url", "url" }) {
        const QString host = detail.value(QLatin1String(key)).toString();
        if (!host.isEmpty()) {
            location.host = QUrl(host.endsWith(u'/') ? host.chopped(1) : host);
            break;
        }
    }
    for (const char *key : { "projectId", "project_id" }) {
        const QString project = detail.value(QLatin1String(key)).toString();
        if (!project.isEmpty()) {
            location.projectId = project;
            break;
        }
    }
    if (location.projectId.isEmpty() && source.key.startsWith(u"langfuse:")) {
        const qsizetype slash = source.key.lastIndexOf(u'/');
        if (slash > 0)
            location.projectId = source.key.mid(slash + 1);
    }
    if (location.host.scheme() != u"http" && location.host.scheme() != u"https")
        location.host = QUrl();
    return location;
}

QUrl langfuseTraceUrl(const Source &source, const QString &traceId, const QString &observationId)
{
    const LangfuseLocation location = langfuseLocation(source);
    if (!location.isValid() || traceId.isEmpty())
        return {};
    QUrl url = location.host;
    url.setPath(url.path()
            + QStringLiteral("/project/%1/traces/%2")
                  .arg(QString::fromLatin1(QUrl::toPercentEncoding(location.projectId)),
                      QString::fromLatin1(QUrl::toPercentEncoding(traceId))),
        QUrl::TolerantMode);
    if (!observationId.isEmpty()) {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("observation"), observationId);
        url.setQuery(query);
    }
    return url;
}

QUrl langfuseSessionUrl(const Source &source, const QString &sessionId)
{
    const LangfuseLocation location = langfuseLocation(source);
    if (!location.isValid() || sessionId.isEmpty())
        return {};
    QUrl url = location.host;
    url.setPath(url.path()
            + QStringLiteral("/project/%1/sessions/%2")
                  .arg(QString::fromLatin1(QUrl::toPercentEncoding(location.projectId)),
                      QString::fromLatin1(QUrl::toPercentEncoding(sessionId))),
        QUrl::TolerantMode);
    return url;
}

} // namespace tg
