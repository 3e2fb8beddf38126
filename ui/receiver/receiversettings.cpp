#include "receiversettings.h"

#include <QHostAddress>
#include <QSettings>

namespace tg {

namespace {
constexpr auto kGroup = "receiver";
}

ReceiverSettings ReceiverSettings::load()
{
    ReceiverSettings s;
    QSettings settings;
    settings.beginGroup(QLatin1String(kGroup));
    s.enabled = settings.value(QStringLiteral("enabled"), s.enabled).toBool();
    s.address = settings.value(QStringLiteral("address"), s.address).toString().trimmed();
    const auto port = [&](const char *key, quint16 fallback) {
        bool ok = false;
        const int value = settings.value(QLatin1String(key), fallback).toInt(&ok);
        return ok && value > 0 && value <= 65535 ? quint16(value) : fallback;
    };
    s.httpPort = port("httpPort", s.httpPort);
    s.grpcPort = port("grpcPort", s.grpcPort);
    s.grpcEnabled = settings.value(QStringLiteral("grpcEnabled"), s.grpcEnabled).toBool();
    const int body = settings.value(QStringLiteral("maxBodyMiB"), s.maxBodyMiB).toInt();
    s.maxBodyMiB = body >= 1 && body <= 2048 ? body : s.maxBodyMiB;
    s.corsOrigins = settings.value(QStringLiteral("corsOrigins")).toStringList();
    s.publicKey = settings.value(QStringLiteral("publicKey")).toString();
    if (s.address.isEmpty())
        s.address = QStringLiteral("127.0.0.1");
    return s;
}

void ReceiverSettings::save() const
{
    QSettings settings;
    settings.beginGroup(QLatin1String(kGroup));
    settings.setValue(QStringLiteral("enabled"), enabled);
    settings.setValue(QStringLiteral("address"), address);
    settings.setValue(QStringLiteral("httpPort"), httpPort);
    settings.setValue(QStringLiteral("grpcPort"), grpcPort);
    settings.setValue(QStringLiteral("grpcEnabled"), grpcEnabled);
    settings.setValue(QStringLiteral("maxBodyMiB"), maxBodyMiB);
    settings.setValue(QStringLiteral("corsOrigins"), corsOrigins);
    settings.setValue(QStringLiteral("publicKey"), publicKey);
}

bool ReceiverSettings::isLoopback() const
{
    return QHostAddress(address).isLoopback();
}

bool ReceiverSettings::validate(QString *error) const
{
    QHostAddress host;
    if (!host.setAddress(address)) {
        *error = QStringLiteral("\"%1\" is not an IP address.").arg(address);
        return false;
    }
    if (httpPort == 0) {
        *error = QStringLiteral("Choose an HTTP port between 1 and 65535.");
        return false;
    }
    if (grpcEnabled && grpcPort == httpPort) {
        *error = QStringLiteral("The HTTP and gRPC ports must differ.");
        return false;
    }
    if (!host.isLoopback() && publicKey.trimmed().isEmpty()) {
        *error = QStringLiteral("Listening on %1 lets other machines send data: set receiver keys first.")
                     .arg(address);
        return false;
    }
    for (const QString &origin : corsOrigins) {
        if (origin != u'*' && !origin.startsWith(QStringLiteral("http://"))
            && !origin.startsWith(QStringLiteral("https://"))) {
            *error = QStringLiteral("CORS origin \"%1\" must look like http://localhost:3000 (or be *).")
                         .arg(origin);
            return false;
        }
    }
    return true;
}

ReceiverOptions ReceiverSettings::toOptions(const QString &secretKey) const
{
    ReceiverOptions options;
    options.address = QHostAddress(address);
    options.httpPort = httpPort;
    options.grpcPort = grpcPort;
    options.grpcEnabled = grpcEnabled;
    options.maxBodyBytes = qsizetype(maxBodyMiB) * 1024 * 1024;
    options.allowedOrigins = corsOrigins;
    if (!secretKey.isEmpty()) {
        options.publicKey = publicKey;
        options.secretKey = secretKey;
    }
    return options;
}

} // namespace tg
