#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace tg {

/// The Langfuse Cloud plan of a connection's organisation; it sets the client's rate budget.
/// Self-hosted servers have no rate limits whatever the plan says.
enum class PlanTier : quint8 {
    Hobby = 0, ///< the most conservative budget; the default for Cloud hosts
    Core = 1,
    Pro = 2, ///< also Team and Enterprise
    SelfHosted = 3, ///< no limits
};

QString planTierName(PlanTier tier);
/// Stable settings key ("hobby", "core", "pro", "self-hosted").
QString planTierKey(PlanTier tier);
PlanTier planTierFromKey(const QString &key, PlanTier fallback = PlanTier::Hobby);

/// A host choice in the connection dialog.
struct HostPreset
{
    QString label; ///< "Langfuse Cloud EU"
    QString url; ///< normalised base URL; empty for "Custom"
    bool cloud = false;
};

/// Cloud EU, US, JP, HIPAA, a local server, and Custom (empty url), in that order.
const QList<HostPreset> &hostPresets();

/// One Langfuse server + API key pair as the user configured it. Holds no secret: the secret key
/// lives in the keychain under CredentialStore::langfuseAccount(id).
struct LangfuseConnection
{
    QString id; ///< stable, generated once
    QString name; ///< shown in the UI ("production")
    QString host; ///< normalised base URL, e.g. "https://cloud.langfuse.com"
    QString publicKey; ///< pk-lf-...
    PlanTier tier = PlanTier::Hobby;
    int syncIntervalMinutes = 5; ///< background incremental sync; 0 = off
    int lookbackDays = 7; ///< how far the first sync reaches back
    bool syncObservations = true; ///< sync every observation, not only traces
    bool fromEnvironment = false; ///< offered from LANGFUSE_* variables, not saved yet

    bool isValid() const { return !id.isEmpty() && !host.isEmpty() && !publicKey.isEmpty(); }
    /// The plan that applies: SelfHosted for any host that is not Langfuse Cloud.
    PlanTier effectiveTier() const;
    bool operator==(const LangfuseConnection &other) const = default;
};

/// Normalises what a user typed as a host: trims, adds "https://" when no scheme is given
/// ("http://" for localhost and loopback addresses), lowercases scheme and host, drops a
/// trailing slash, a trailing "/api/public" and any query or fragment. A path prefix of a
/// self-hosted server behind a reverse proxy is kept. Empty and `error` set when it is unusable.
QString normalizeHost(const QString &input, QString *error = nullptr);

/// True for the Langfuse Cloud hosts (*.langfuse.com over https), which apply rate limits.
bool isCloudHost(const QString &normalizedHost);

/// The preset index whose url equals `host`, or the index of "Custom".
int presetIndexForHost(const QString &host);

} // namespace tg

Q_DECLARE_METATYPE(tg::LangfuseConnection)
