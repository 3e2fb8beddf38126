#pragma once

#include <QList>
#include <QNetworkRequest>
#include <QProcessEnvironment>
#include <QString>

#include <optional>

namespace tg {

/// A Langfuse connection as the forwarder and `traceglass pull` need it: where to send and whose
/// key. The secret key is never part of it; it lives in the keychain under
/// CredentialStore::langfuseAccount(id) (or, for the environment offer, in LANGFUSE_SECRET_KEY).
struct ForwardTarget
{
    QString id; ///< connection id; also the outbox's target key
    QString name;
    QString host; ///< base URL, e.g. "https://cloud.langfuse.com" (no trailing slash)
    QString publicKey;
    bool fromEnvironment = false;

    bool isValid() const { return !id.isEmpty() && !host.isEmpty() && !publicKey.isEmpty(); }
    /// <host>/api/public/otel/v1/traces
    QString otlpTracesUrl() const;
};

/// The POST request for a Langfuse project's OpenTelemetry endpoint (<host>/api/public/otel/v1/traces):
/// protobuf, Basic auth with the public and secret key, `x-langfuse-ingestion-version: 4`, and a
/// gzip body when `gzip`. Shared by the forwarder and the replay upload.
QNetworkRequest langfuseOtlpRequest(
    const QString &host, const QString &publicKey, const QString &secretKey, bool gzip);

/// Reads the user's Langfuse connections the way the connection registry (branch `connections`,
/// net/langfuse/connectionregistry.cpp) stores them: QSettings group "langfuse/connections/<id>"
/// with name, host and publicKey, ordered by "langfuse/connections/order"; plus the
/// LANGFUSE_PUBLIC_KEY / LANGFUSE_SECRET_KEY / LANGFUSE_HOST (or LANGFUSE_BASE_URL) offer as id
/// "env". A thin adapter: once ConnectionRegistry is merged it can be replaced by it.
class ForwardTargets
{
public:
    static constexpr const char *kEnvironmentId = "env";

    static QList<ForwardTarget> load(
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment(),
        const QString &settingsGroup = QStringLiteral("langfuse"));
    /// The connection whose id or name (case-insensitively) is `nameOrId`; "env" also finds the saved
    /// connection that has the environment's host and public key.
    static std::optional<ForwardTarget> find(const QString &nameOrId,
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment(),
        const QString &settingsGroup = QStringLiteral("langfuse"));
    /// Adds or replaces a connection in the settings (no secret); for tests and the CLI.
    static void save(const ForwardTarget &target, const QString &settingsGroup = QStringLiteral("langfuse"));
    /// Trims, adds https:// (http:// for localhost), drops a trailing slash and /api/public.
    static QString normalizeHost(const QString &input);
};

} // namespace tg
