#include "forwardtarget.h"

#include <QSettings>
#include <QUrl>

namespace tg {

namespace {
QString otlpTracesUrlOf(const QString &host)
{
    return host + QStringLiteral("/api/public/otel/v1/traces");
}
} // namespace

QString ForwardTarget::otlpTracesUrl() const
{
    return otlpTracesUrlOf(host);
}

QNetworkRequest langfuseOtlpRequest(
    const QString &host, const QString &publicKey, const QString &secretKey, bool gzip)
{
    QNetworkRequest request { QUrl(otlpTracesUrlOf(host)) };
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-protobuf"));
    if (gzip)
        request.setRawHeader("Content-Encoding", "gzip");
    request.setRawHeader("Authorization", "Basic " + (publicKey + u':' + secretKey).toUtf8().toBase64());
    request.setRawHeader("x-langfuse-ingestion-version", "4");
    return request;
}

QString ForwardTargets::normalizeHost(const QString &input)
{
    QString host = input.trimmed();
    if (host.isEmpty())
        return host;
    if (!host.contains(QStringLiteral("://"))) {
        const bool local
            = host.startsWith(u"localhost") || host.startsWith(u"127.") || host.startsWith(u"[::1]");
        host.prepend(local ? QStringLiteral("http://") : QStringLiteral("https://"));
    }
    QUrl url(host);
    if (!url.isValid() || url.host().isEmpty())
        return QString();
    url.setQuery(QString());
    url.setFragment(QString());
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (path.endsWith(u"/api/public"))
        path.chop(11);
    url.setPath(path);
    url.setScheme(url.scheme().toLower());
    url.setHost(url.host().toLower());
    return url.toString(QUrl::StripTrailingSlash);
}

QList<ForwardTarget> ForwardTargets::load(
    const QProcessEnvironment &environment, const QString &settingsGroup)
{
    QList<ForwardTarget> targets;
    QSettings settings;
    settings.beginGroup(settingsGroup + QStringLiteral("/connections"));
    QStringList ids = settings.value(QStringLiteral("order")).toStringList();
    const QStringList groups = settings.childGroups();
    for (const QString &group : groups) {
        if (!ids.contains(group))
            ids << group;
    }
    for (const QString &id : std::as_const(ids)) {
        if (!groups.contains(id))
            continue;
        settings.beginGroup(id);
        ForwardTarget target;
        target.id = id;
        target.host = normalizeHost(settings.value(QStringLiteral("host")).toString());
        target.publicKey = settings.value(QStringLiteral("publicKey")).toString().trimmed();
        target.name = settings.value(QStringLiteral("name")).toString();
        if (target.name.isEmpty())
            target.name = target.host;
        settings.endGroup();
        if (target.isValid())
            targets << target;
    }
    settings.endGroup();

    const QString publicKey = environment.value(QStringLiteral("LANGFUSE_PUBLIC_KEY")).trimmed();
    const QString secretKey = environment.value(QStringLiteral("LANGFUSE_SECRET_KEY")).trimmed();
    if (!publicKey.isEmpty() && !secretKey.isEmpty()) {
        QString raw = environment.value(QStringLiteral("LANGFUSE_HOST")).trimmed();
        if (raw.isEmpty())
            raw = environment.value(QStringLiteral("LANGFUSE_BASE_URL")).trimmed();
        if (raw.isEmpty())
            raw = QStringLiteral("https://cloud.langfuse.com");
        ForwardTarget offer;
        offer.id = QString::fromLatin1(kEnvironmentId);
        offer.host = normalizeHost(raw);
        offer.publicKey = publicKey;
        offer.name = QStringLiteral("Environment (%1)").arg(QUrl(offer.host).host());
        offer.fromEnvironment = true;
        bool saved = false;
        for (const ForwardTarget &target : std::as_const(targets))
            saved = saved || (target.host == offer.host && target.publicKey == offer.publicKey);
        if (!saved && offer.isValid())
            targets << offer;
    }
    return targets;
}

std::optional<ForwardTarget> ForwardTargets::find(
    const QString &nameOrId, const QProcessEnvironment &environment, const QString &settingsGroup)
{
    const QList<ForwardTarget> targets = load(environment, settingsGroup);
    for (const ForwardTarget &target : targets) {
        if (target.id == nameOrId)
            return target;
    }
    for (const ForwardTarget &target : targets) {
        if (target.name.compare(nameOrId, Qt::CaseInsensitive) == 0)
            return target;
    }
    // "env" when a saved connection has the environment's host and key: that one, not offered twice.
    if (nameOrId == QLatin1String(kEnvironmentId)) {
        const QString publicKey = environment.value(QStringLiteral("LANGFUSE_PUBLIC_KEY")).trimmed();
        QString host = environment.value(QStringLiteral("LANGFUSE_HOST")).trimmed();
        if (host.isEmpty())
            host = environment.value(QStringLiteral("LANGFUSE_BASE_URL")).trimmed();
        if (host.isEmpty())
            host = QStringLiteral("https://cloud.langfuse.com");
        host = normalizeHost(host);
        for (const ForwardTarget &target : targets) {
            if (!publicKey.isEmpty() && target.publicKey == publicKey && target.host == host)
                return target;
        }
    }
    return std::nullopt;
}

void ForwardTargets::save(const ForwardTarget &target, const QString &settingsGroup)
{
    QSettings settings;
    settings.beginGroup(settingsGroup + QStringLiteral("/connections/") + target.id);
    settings.setValue(QStringLiteral("name"), target.name);
    settings.setValue(QStringLiteral("host"), target.host);
    settings.setValue(QStringLiteral("publicKey"), target.publicKey);
    settings.endGroup();
    QStringList order = settings.value(settingsGroup + QStringLiteral("/connections/order")).toStringList();
    if (!order.contains(target.id)) {
        order << target.id;
        settings.setValue(settingsGroup + QStringLiteral("/connections/order"), order);
    }
    settings.sync();
}

} // namespace tg
