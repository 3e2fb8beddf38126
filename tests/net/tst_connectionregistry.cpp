// ConnectionRegistry: settings persistence, the LANGFUSE_* environment offer, and secrets in a
// real gnome-keyring (scripts/test runs this inside one, see scripts/with-keyring); plus the
// no-keychain path in a child process on a private D-Bus without any Secret Service, where the
// key must be kept in memory and announced, never written to a file.
#include "keyringtestutil.h"
#include "langfuse/connectionregistry.h"

#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <cstdio>

using namespace tg;
using namespace tg::test;

namespace {

constexpr char kChildVar[] = "TRACEGLASS_REGISTRY_CHILD";
constexpr char kChildSecretVar[] = "TRACEGLASS_REGISTRY_CHILD_SECRET";

QString randomSecret()
{
    return QStringLiteral("sk-lf-") + QString::number(QRandomGenerator::system()->generate64(), 36)
        + QString::number(QRandomGenerator::system()->generate64(), 36);
}

ConnectionRegistry::Options options(const QProcessEnvironment &env = QProcessEnvironment())
{
    ConnectionRegistry::Options o;
    o.settingsGroup = QStringLiteral("test-langfuse");
    o.credentialService = kTestService;
    o.environment = env;
    return o;
}

struct Outcome
{
    bool done = false;
    bool ok = false;
    QString message;
};

Outcome save(ConnectionRegistry &registry, const LangfuseConnection &c, const QString &secret)
{
    Outcome out;
    registry.save(c, secret, nullptr, [&out](bool ok, const QString &message) {
        out.done = true;
        out.ok = ok;
        out.message = message;
    });
    if (!QTest::qWaitFor([&] { return out.done; }, 30'000))
        out.message = QStringLiteral("timed out");
    return out;
}

CredentialResult readSecret(ConnectionRegistry &registry, const QString &id)
{
    CredentialResult result;
    bool done = false;
    registry.secret(id, nullptr, [&](const CredentialResult &r) {
        result = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 30'000))
        result.error = CredentialResult::Error::TimedOut;
    return result;
}

LangfuseConnection sample(const QString &name = QStringLiteral("production"))
{
    LangfuseConnection c;
    c.name = name;
    c.host = QStringLiteral("us.cloud.langfuse.com/");
    c.publicKey = QStringLiteral("pk-lf-1234");
    c.tier = PlanTier::Core;
    c.syncIntervalMinutes = 10;
    c.lookbackDays = 3;
    c.syncObservations = false;
    return c;
}

QByteArray settingsFileContents()
{
    QSettings settings;
    settings.sync();
    QFile file(settings.fileName());
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// The child side of the no-keychain test: a registry on a bus without any Secret Service.
int runChild()
{
    QStandardPaths::setTestModeEnabled(true);
    const QString secret = qEnvironmentVariable(kChildSecretVar);
    ConnectionRegistry registry(options());
    registry.load();
    const Outcome saved = save(registry, sample(), secret);
    printChildValue("saved", saved.ok ? QStringLiteral("yes") : QStringLiteral("no"));
    printChildValue("message", saved.message);
    printChildValue("storage", registry.storageMessage());
    printChildValue("keychain", registry.keychainAvailable() ? QStringLiteral("yes") : QStringLiteral("no"));
    const QString id = registry.savedConnections().value(0).id;
    const CredentialResult read = readSecret(registry, id);
    printChildValue(
        "readSame", read.ok() && read.secret == secret ? QStringLiteral("yes") : QStringLiteral("no"));
    // The next run (a new registry) knows the connection, but not the key.
    ConnectionRegistry next(options());
    next.load();
    printChildValue("nextHasConnection", next.connection(id) ? QStringLiteral("yes") : QStringLiteral("no"));
    printChildValue(
        "nextSecret", readSecret(next, id).ok() ? QStringLiteral("found") : QStringLiteral("missing"));
    std::fflush(stdout);
    return 0;
}

} // namespace

class TestConnectionRegistry : public QObject
{
    Q_OBJECT

    bool m_keyring = false;
    QStringList m_ids;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        CredentialStore probe(kTestService);
        m_keyring = probe.probeBlocking() == CredentialStore::Status::Keychain;
    }

    void init() { QSettings().remove(QStringLiteral("test-langfuse")); }

    void cleanup()
    {
        CredentialStore store(kTestService);
        for (const QString &id : std::as_const(m_ids))
            store.removeSecretBlocking(CredentialStore::langfuseAccount(id));
        m_ids.clear();
        QSettings().remove(QStringLiteral("test-langfuse"));
    }

    void validation()
    {
        ConnectionRegistry registry(options());
        registry.load();
        LangfuseConnection c = sample();
        c.host = QStringLiteral("ftp://example.com");
        Outcome o = save(registry, c, randomSecret());
        QVERIFY(!o.ok);
        QVERIFY(o.message.contains(QLatin1String("http")));
        c = sample();
        c.publicKey.clear();
        QVERIFY(save(registry, c, randomSecret()).message.contains(QLatin1String("public key")));
        c = sample();
        const QString secret = randomSecret();
        c.publicKey = secret; // pasted into the wrong field
        o = save(registry, c, QStringLiteral("pk-lf-x"));
        QVERIFY(!o.ok);
        QVERIFY(!o.message.contains(secret));
        o = save(registry, sample(), QString()); // a new connection needs its secret
        QVERIFY(!o.ok);
        QVERIFY(o.message.contains(QLatin1String("secret key")));
        o = save(registry, sample(), QStringLiteral("pk-lf-oops"));
        QVERIFY(!o.ok);
        QVERIFY(registry.savedConnections().isEmpty());
    }

    void keychainRoundTrip()
    {
        REQUIRE_KEYRING();
        const QString secret = randomSecret();
        ConnectionRegistry registry(options());
        QSignalSpy saved(&registry, &ConnectionRegistry::connectionSaved);
        registry.load();
        Outcome o = save(registry, sample(), secret);
        QVERIFY2(o.ok, qPrintable(o.message));
        QVERIFY(!o.message.contains(secret));
        QCOMPARE(saved.count(), 1);
        const LangfuseConnection stored = registry.savedConnections().value(0);
        m_ids << stored.id;
        QCOMPARE(stored.host, QStringLiteral("https://us.cloud.langfuse.com"));
        QVERIFY(!stored.id.isEmpty());

        // Settings hold the connection, never the key.
        const QByteArray settings = settingsFileContents();
        QVERIFY(settings.contains("pk-lf-1234"));
        QVERIFY(!settings.contains(secret.toUtf8()));

        // A new run: the connection from settings, the key from the keychain.
        ConnectionRegistry next(options());
        next.load();
        const std::optional<LangfuseConnection> loaded = next.connection(stored.id);
        QVERIFY(loaded);
        QCOMPARE(loaded->name, QStringLiteral("production"));
        QCOMPARE(loaded->tier, PlanTier::Core);
        QCOMPARE(loaded->syncIntervalMinutes, 10);
        QCOMPARE(loaded->lookbackDays, 3);
        QCOMPARE(loaded->syncObservations, false);
        const CredentialResult read = readSecret(next, stored.id);
        QVERIFY2(read.ok(), qPrintable(read.message));
        QCOMPARE(read.secret, secret);
        QVERIFY(next.keychainAvailable());

        // Editing without a new key keeps the old one.
        LangfuseConnection edited = *loaded;
        edited.name = QStringLiteral("prod EU");
        o = save(next, edited, QString());
        QVERIFY2(o.ok, qPrintable(o.message));
        QCOMPARE(next.savedConnections().size(), 1);
        QCOMPARE(readSecret(next, stored.id).secret, secret);
        // ... and a new key replaces it.
        const QString rotated = randomSecret();
        QVERIFY(save(next, edited, rotated).ok);
        QCOMPARE(readSecret(next, stored.id).secret, rotated);

        // Removing drops both.
        bool removed = false;
        next.remove(stored.id, nullptr, [&](bool ok, const QString &) { removed = ok; });
        QTRY_VERIFY(removed);
        QVERIFY(next.savedConnections().isEmpty());
        QCOMPARE(readSecret(next, stored.id).error, CredentialResult::Error::NotFound);
        ConnectionRegistry third(options());
        third.load();
        QVERIFY(third.savedConnections().isEmpty());
    }

    void environmentOffer()
    {
        const QString secret = randomSecret();
        QProcessEnvironment env;
        env.insert(QStringLiteral("LANGFUSE_PUBLIC_KEY"), QStringLiteral("pk-lf-env"));
        env.insert(QStringLiteral("LANGFUSE_SECRET_KEY"), secret);
        env.insert(QStringLiteral("LANGFUSE_BASE_URL"), QStringLiteral("http://localhost:3000/"));
        ConnectionRegistry registry(options(env));
        registry.load();
        const std::optional<LangfuseConnection> offer = registry.environmentOffer();
        QVERIFY(offer);
        QCOMPARE(offer->id, QString::fromLatin1(ConnectionRegistry::kEnvironmentId));
        QVERIFY(offer->fromEnvironment);
        QCOMPARE(offer->host, QStringLiteral("http://localhost:3000"));
        QCOMPARE(offer->effectiveTier(), PlanTier::SelfHosted);
        QCOMPARE(registry.connections().size(), 1);
        QVERIFY(registry.savedConnections().isEmpty());
        // Its key comes from the environment, without the keychain.
        const CredentialResult read = readSecret(registry, offer->id);
        QVERIFY(read.ok());
        QCOMPARE(read.secret, secret);
        // Never in settings.
        QVERIFY(!settingsFileContents().contains(secret.toUtf8()));

        // LANGFUSE_HOST wins over LANGFUSE_BASE_URL; no host at all means Cloud EU.
        env.insert(QStringLiteral("LANGFUSE_HOST"), QStringLiteral("https://langfuse.example.com"));
        ConnectionRegistry withHost(options(env));
        withHost.load();
        QCOMPARE(withHost.environmentOffer()->host, QStringLiteral("https://langfuse.example.com"));
        env.remove(QStringLiteral("LANGFUSE_HOST"));
        env.remove(QStringLiteral("LANGFUSE_BASE_URL"));
        ConnectionRegistry noHost(options(env));
        noHost.load();
        QCOMPARE(noHost.environmentOffer()->host, QStringLiteral("https://cloud.langfuse.com"));
        QCOMPARE(noHost.environmentOffer()->effectiveTier(), PlanTier::Hobby);

        // Without both keys nothing is offered.
        QProcessEnvironment partial;
        partial.insert(QStringLiteral("LANGFUSE_PUBLIC_KEY"), QStringLiteral("pk-lf-env"));
        ConnectionRegistry none(options(partial));
        none.load();
        QVERIFY(!none.environmentOffer());

        // Dismissed: not offered again for the same keys and host...
        noHost.dismissEnvironmentOffer();
        QVERIFY(!noHost.environmentOffer());
        ConnectionRegistry later(options(env));
        later.load();
        QVERIFY(!later.environmentOffer());
        // ... while other keys (the first registry's host) still are.
        QVERIFY(registry.environmentOffer());
    }

    void appConnectionsTakePrecedence()
    {
        REQUIRE_KEYRING();
        QProcessEnvironment env;
        env.insert(QStringLiteral("LANGFUSE_PUBLIC_KEY"), QStringLiteral("pk-lf-1234"));
        env.insert(QStringLiteral("LANGFUSE_SECRET_KEY"), randomSecret());
        env.insert(QStringLiteral("LANGFUSE_HOST"), QStringLiteral("https://us.cloud.langfuse.com"));
        {
            ConnectionRegistry registry(options());
            registry.load();
            QVERIFY(save(registry, sample(), randomSecret()).ok);
            m_ids << registry.savedConnections().value(0).id;
        }
        ConnectionRegistry registry(options(env));
        registry.load();
        QVERIFY(!registry.environmentOffer()); // the same host and key were made in the app
        QCOMPARE(registry.connections().size(), 1);
    }

    void acceptingTheOfferStoresItsKey()
    {
        REQUIRE_KEYRING();
        const QString secret = randomSecret();
        QProcessEnvironment env;
        env.insert(QStringLiteral("LANGFUSE_PUBLIC_KEY"), QStringLiteral("pk-lf-env2"));
        env.insert(QStringLiteral("LANGFUSE_SECRET_KEY"), secret);
        ConnectionRegistry registry(options(env));
        registry.load();
        LangfuseConnection offer = *registry.environmentOffer();
        offer.name = QStringLiteral("from env");
        const Outcome o = save(registry, offer, QString());
        QVERIFY2(o.ok, qPrintable(o.message));
        QVERIFY(!registry.environmentOffer());
        const LangfuseConnection saved = registry.savedConnections().value(0);
        m_ids << saved.id;
        QVERIFY(saved.id != QLatin1String(ConnectionRegistry::kEnvironmentId));
        QVERIFY(!saved.fromEnvironment);
        ConnectionRegistry next(options(env));
        next.load();
        QVERIFY(!next.environmentOffer());
        QCOMPARE(readSecret(next, saved.id).secret, secret); // from the keychain now
    }

    void noKeychainService()
    {
        const QString dbusDaemon = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
        if (dbusDaemon.isEmpty()) {
            if (keyringRequired())
                QFAIL("dbus-daemon is missing (scripts/install-deps installs it)");
            QSKIP("dbus-daemon is not installed");
        }
        PrivateSessionBus bus;
        QVERIFY2(bus.start(dbusDaemon), qPrintable(bus.error()));

        const QString secret = randomSecret();
        const ChildRun child = bus.runChild({ { QLatin1String(kChildVar), QStringLiteral("1") },
            { QLatin1String(kChildSecretVar), secret } });
        QVERIFY2(child.ok, child.errors.constData());
        const QHash<QString, QString> &seen = child.values;
        QCOMPARE(seen.value(QStringLiteral("saved")), QStringLiteral("yes"));
        // Said plainly, at the moment of saving, not only somewhere in a log.
        QVERIFY2(
            seen.value(QStringLiteral("message")).contains(QLatin1String("in memory for this session only")),
            qPrintable(seen.value(QStringLiteral("message"))));
        QVERIFY(seen.value(QStringLiteral("storage")).contains(QLatin1String("No keychain service")));
        QCOMPARE(seen.value(QStringLiteral("keychain")), QStringLiteral("no"));
        QCOMPARE(seen.value(QStringLiteral("readSame")), QStringLiteral("yes"));
        QCOMPARE(seen.value(QStringLiteral("nextHasConnection")), QStringLiteral("yes"));
        QCOMPARE(seen.value(QStringLiteral("nextSecret")), QStringLiteral("missing"));
        // The key is nowhere on disk: not in settings (XDG_CONFIG_HOME), caches or the work dir.
        QVERIFY(!child.output.contains(secret.toUtf8()));
        QVERIFY(!child.errors.contains(secret.toUtf8()));
        int scanned = 0;
        const QStringList leaks = bus.filesContaining(secret.toUtf8(), &scanned);
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u' ')));
        QVERIFY(scanned > 0); // at least the settings file was written
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet(kChildVar))
        return runChild();
    TestConnectionRegistry test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_connectionregistry.moc"
