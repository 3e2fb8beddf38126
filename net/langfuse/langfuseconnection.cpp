#include "langfuseconnection.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QUrl>

namespace tg {

QString planTierName(PlanTier tier)
{
    switch (tier) {
    case PlanTier::Hobby:
        return QCoreApplication::translate("tg::PlanTier", "Hobby");
    case PlanTier::Core:
        return QCoreApplication::translate("tg::PlanTier", "Core");
    case PlanTier::Pro:
        return QCoreApplication::translate("tg::PlanTier", "Pro / Team / Enterprise");
    case PlanTier::SelfHosted:
        return QCoreApplication::translate("tg::PlanTier", "Self-hosted (no rate limits)");
    }
    return {};
}

QString planTierKey(PlanTier tier)
{
    switch (tier) {
    case PlanTier::Hobby:
        return QStringLiteral("hobby");
    case PlanTier::Core:
        return QStringLiteral("core");
    case PlanTier::Pro:
        return QStringLiteral("pro");
    case PlanTier::SelfHosted:
        return QStringLiteral("self-hosted");
    }
    return QStringLiteral("hobby");
}

PlanTier planTierFromKey(const QString &key, PlanTier fallback)
{
    for (PlanTier tier : { PlanTier::Hobby, PlanTier::Core, PlanTier::Pro, PlanTier::SelfHosted }) {
        if (key.compare(planTierKey(tier), Qt::CaseInsensitive) == 0)
            return tier;
    }
    if (key.compare(QLatin1String("team"), Qt::CaseInsensitive) == 0
        || key.compare(QLatin1String("enterprise"), Qt::CaseInsensitive) == 0)
        return PlanTier::Pro;
    return fallback;
}

const QList<HostPreset> &hostPresets()
{
    static const QList<HostPreset> presets {
        { QStringLiteral("Langfuse Cloud EU"), QStringLiteral("https://cloud.langfuse.com"), true },
        { QStringLiteral("Langfuse Cloud US"), QStringLiteral("https://us.cloud.langfuse.com"), true },
        { QStringLiteral("Langfuse Cloud JP"), QStringLiteral("https://jp.cloud.langfuse.com"), true },
        { QStringLiteral("Langfuse Cloud HIPAA"), QStringLiteral("https://hipaa.cloud.langfuse.com"), true },
        { QStringLiteral("Local server (localhost:3000)"), QStringLiteral("http://localhost:3000"), false },
        { QStringLiteral("Custom…"), QString(), false },
    };
    return presets;
}

int presetIndexForHost(const QString &host)
{
    const QList<HostPreset> &presets = hostPresets();
    for (int i = 0; i < presets.size(); ++i) {
        if (!presets[i].url.isEmpty() && presets[i].url == host)
            return i;
    }
    return int(presets.size()) - 1;
}

PlanTier LangfuseConnection::effectiveTier() const
{
    return isCloudHost(host) ? (tier == PlanTier::SelfHosted ? PlanTier::Hobby : tier) : PlanTier::SelfHosted;
}

namespace {

bool isLoopbackName(const QString &host)
{
    if (host == QLatin1String("localhost") || host.endsWith(QLatin1String(".localhost")))
        return true;
    QHostAddress address;
    return address.setAddress(host) && address.isLoopback();
}

} // namespace

QString normalizeHost(const QString &input, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return QString();
    };
    QString text = input.trimmed();
    if (text.isEmpty())
        return fail(QCoreApplication::translate("tg::LangfuseConnection", "Enter the server's address."));
    if (!text.contains(QLatin1String("://"))) {
        // Decide the scheme from the host part alone.
        QString hostPart = text.section(u'/', 0, 0);
        if (hostPart.startsWith(u'['))
            hostPart = hostPart.section(u']', 0, 0).mid(1);
        else
            hostPart = hostPart.section(u':', 0, 0);
        text.prepend(
            isLoopbackName(hostPart.toLower()) ? QLatin1String("http://") : QLatin1String("https://"));
    }
    QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return fail(
            QCoreApplication::translate("tg::LangfuseConnection", "\"%1\" is not a valid server address.")
                .arg(input.trimmed()));
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return fail(QCoreApplication::translate(
            "tg::LangfuseConnection", "Use an http:// or https:// address (not %1://).")
                        .arg(scheme));
    if (!url.userInfo().isEmpty())
        return fail(QCoreApplication::translate(
            "tg::LangfuseConnection", "Put the keys in the key fields, not in the address."));
    url.setScheme(scheme);
    url.setHost(url.host().toLower());
    url.setQuery(QString());
    url.setFragment(QString());
    if ((scheme == QLatin1String("https") && url.port() == 443)
        || (scheme == QLatin1String("http") && url.port() == 80))
        url.setPort(-1);
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    for (const char *suffix : { "/api/public", "/api" }) {
        if (path.endsWith(QLatin1String(suffix), Qt::CaseInsensitive)) {
            path.chop(qsizetype(qstrlen(suffix)));
            break;
        }
    }
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path);
    if (error)
        error->clear();
    return url.toString(QUrl::FullyEncoded);
}

bool isCloudHost(const QString &normalizedHost)
{
    const QUrl url(normalizedHost);
    const QString host = url.host().toLower();
    return url.scheme() == QLatin1String("https")
        && (host == QLatin1String("langfuse.com") || host.endsWith(QLatin1String(".langfuse.com")));
}

} // namespace tg
