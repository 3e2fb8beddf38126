#pragma once

#include "receiver/receiveroptions.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace tg {

/// The receiver's persistent settings (QSettings group "receiver"). The secret key is not here:
/// it lives in the keychain under kSecretAccount.
struct ReceiverSettings
{
    static constexpr const char *kSecretAccount = "receiver:local";

    bool enabled = true;
    QString address = QStringLiteral("127.0.0.1");
    quint16 httpPort = 4318;
    quint16 grpcPort = 4317;
    bool grpcEnabled = true;
    int maxBodyMiB = 64;
    QStringList corsOrigins;
    QString publicKey; ///< only used (and required) when listening beyond loopback

    static ReceiverSettings load();
    void save() const;

    /// False with a reason for the user when the settings cannot work (bad address, ports).
    bool validate(QString *error) const;
    bool isLoopback() const;
    ReceiverOptions toOptions(const QString &secretKey = {}) const;

    bool operator==(const ReceiverSettings &other) const = default;
};

/// What the command line says for this run only (never saved).
struct ReceiverLaunchOverrides
{
    std::optional<quint16> httpPort;
    std::optional<quint16> grpcPort;
    bool disabled = false;
};

} // namespace tg
