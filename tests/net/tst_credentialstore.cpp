// CredentialStore against a real gnome-keyring (scripts/test runs every test inside one, see
// scripts/with-keyring), and with no keychain service at all: a private dbus-daemon without a
// Secret Service, in a child process so that the whole process sees only that bus.
//
// Secrets are random per run; every entry a test writes is removed in cleanup().
#include "credentialstore.h"
#include "keyringtestutil.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QThread>
#include <QUuid>

#include <cstdio>

using namespace tg;
using namespace tg::test;

namespace {

constexpr char kChildModeVar[] = "TRACEGLASS_CREDENTIALSTORE_CHILD";
constexpr char kChildSecretVar[] = "TRACEGLASS_CREDENTIALSTORE_CHILD_SECRET";

QString randomSecret()
{
    QString out = QStringLiteral("tg-test-");
    for (int i = 0; i < 4; ++i)
        out += QString::number(QRandomGenerator::system()->generate64(), 36);
    return out;
}

QString randomAccount()
{
    return QStringLiteral("test:") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

const char *statusName(CredentialStore::Status status)
{
    switch (status) {
    case CredentialStore::Status::Unknown:
        return "Unknown";
    case CredentialStore::Status::Keychain:
        return "Keychain";
    case CredentialStore::Status::SessionOnly:
        return "SessionOnly";
    }
    return "?";
}

const char *errorName(CredentialResult::Error error)
{
    switch (error) {
    case CredentialResult::Error::None:
        return "ok";
    case CredentialResult::Error::NotFound:
        return "NotFound";
    case CredentialResult::Error::AccessDenied:
        return "AccessDenied";
    case CredentialResult::Error::Failed:
        return "Failed";
    case CredentialResult::Error::TimedOut:
        return "TimedOut";
    }
    return "?";
}

// The child side of the no-daemon tests: runs against whatever bus DBUS_SESSION_BUS_ADDRESS names
// and prints key=value lines; the parent judges them. It never prints the secret itself.
int runChild()
{
    const QString secret = qEnvironmentVariable(kChildSecretVar);
    const QString account = CredentialStore::langfuseAccount(QStringLiteral("child"));
    CredentialStore store(kTestService);
    printChildValue("probe", QLatin1String(statusName(store.probeBlocking())));
    const CredentialResult written = store.writeSecretBlocking(account, secret);
    printChildValue("write", QLatin1String(errorName(written.error)));
    printChildValue("writeMessage", written.message);
    const CredentialResult read = store.readSecretBlocking(account);
    printChildValue("read", QLatin1String(errorName(read.error)));
    printChildValue("readSame", read.secret == secret ? QStringLiteral("yes") : QStringLiteral("no"));
    printChildValue("status", QLatin1String(statusName(store.status())));
    printChildValue("message", store.statusMessage());
    // Another store (a later run, in effect) must not see it: nothing was persisted.
    CredentialStore other(kTestService);
    printChildValue("otherStore", QLatin1String(errorName(other.readSecretBlocking(account).error)));
    printChildValue("remove", QLatin1String(errorName(store.removeSecretBlocking(account).error)));
    printChildValue("afterRemove", QLatin1String(errorName(store.readSecretBlocking(account).error)));
    std::fflush(stdout);
    return 0;
}

} // namespace

class TestCredentialStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void roundTrip();
    void overwrite();
    void readMissing();
    void removeMissingSucceeds();
    void entryIsInTheDaemon();
    void callbacksAreAsynchronous();
    void destroyedContextDropsCallback();
    void queuedBeforeProbeAllAnswered();

    void rejectsEmptyAccountAndSecret();
    void accountNames();
    void noKeychainService_data();
    void noKeychainService();

private:
    CredentialResult write(const QString &account, const QString &secret);

    bool m_keyring = false;
    QStringList m_written;
};

void TestCredentialStore::initTestCase()
{
    CredentialStore store(kTestService);
    m_keyring = store.probeBlocking() == CredentialStore::Status::Keychain;
    if (!m_keyring)
        qInfo("keychain tests cannot run: %s", qPrintable(store.statusMessage()));
}

void TestCredentialStore::cleanup()
{
    if (m_written.isEmpty())
        return;
    CredentialStore store(kTestService);
    for (const QString &account : std::as_const(m_written)) {
        const CredentialResult removed = store.removeSecretBlocking(account);
        if (!removed.ok())
            qWarning("could not remove test entry %s: %s", qPrintable(account), qPrintable(removed.message));
    }
    m_written.clear();
}

CredentialResult TestCredentialStore::write(const QString &account, const QString &secret)
{
    m_written.append(account);
    CredentialStore store(kTestService);
    return store.writeSecretBlocking(account, secret);
}

void TestCredentialStore::roundTrip()
{
    REQUIRE_KEYRING();
    const QString account = randomAccount();
    const QString secret = randomSecret();
    const CredentialResult written = write(account, secret);
    QVERIFY2(written.ok(), qPrintable(written.message));
    QVERIFY(!written.message.contains(secret));

    // A fresh store reads it: it is in the keychain, not in an object's memory.
    CredentialStore store(kTestService);
    const CredentialResult read = store.readSecretBlocking(account);
    QVERIFY2(read.ok(), qPrintable(read.message));
    QCOMPARE(read.secret, secret);
    QCOMPARE(store.status(), CredentialStore::Status::Keychain);
    QVERIFY(!store.statusMessage().isEmpty());

    QVERIFY(store.removeSecretBlocking(account).ok());
    const CredentialResult gone = store.readSecretBlocking(account);
    QCOMPARE(gone.error, CredentialResult::Error::NotFound);
    QVERIFY(gone.secret.isEmpty());
}

void TestCredentialStore::overwrite()
{
    REQUIRE_KEYRING();
    const QString account = randomAccount();
    const QString first = randomSecret();
    const QString second = randomSecret();
    QVERIFY(write(account, first).ok());
    QVERIFY(write(account, second).ok());
    CredentialStore store(kTestService);
    QCOMPARE(store.readSecretBlocking(account).secret, second);
}

void TestCredentialStore::readMissing()
{
    REQUIRE_KEYRING();
    CredentialStore store(kTestService);
    const QString account = randomAccount();
    const CredentialResult read = store.readSecretBlocking(account);
    QCOMPARE(read.error, CredentialResult::Error::NotFound);
    QVERIFY(read.secret.isEmpty());
    QVERIFY(read.message.contains(account));
    // A missing entry is an answer, not a sign that the keychain is gone.
    QCOMPARE(store.status(), CredentialStore::Status::Keychain);
}

void TestCredentialStore::removeMissingSucceeds()
{
    REQUIRE_KEYRING();
    CredentialStore store(kTestService);
    const CredentialResult removed = store.removeSecretBlocking(randomAccount());
    QVERIFY2(removed.ok(), qPrintable(removed.message));
}

void TestCredentialStore::entryIsInTheDaemon()
{
    REQUIRE_KEYRING();
    const QString secretTool = QStandardPaths::findExecutable(QStringLiteral("secret-tool"));
    if (secretTool.isEmpty()) {
        if (keyringRequired())
            QFAIL("secret-tool is missing (scripts/install-deps installs libsecret-tools)");
        QSKIP("secret-tool is not installed");
    }
    const QString account = randomAccount();
    const QString secret = randomSecret();
    QVERIFY(write(account, secret).ok());
    // QtKeychain's libsecret schema: "server" is the service, "user" the account.
    QProcess lookup;
    lookup.start(secretTool,
        { QStringLiteral("lookup"), QStringLiteral("server"), kTestService, QStringLiteral("user"),
            account });
    QVERIFY(lookup.waitForFinished(20'000));
    QCOMPARE(lookup.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(lookup.readAllStandardOutput()).trimmed(), secret);
}

void TestCredentialStore::callbacksAreAsynchronous()
{
    REQUIRE_KEYRING();
    const QString account = randomAccount();
    m_written.append(account);
    CredentialStore store(kTestService);
    bool called = false;
    QThread *callbackThread = nullptr;
    store.writeSecret(account, randomSecret(), nullptr, [&](const CredentialResult &result) {
        QVERIFY(result.ok());
        callbackThread = QThread::currentThread();
        called = true;
    });
    QVERIFY(!called); // never inside the call itself
    QTRY_VERIFY_WITH_TIMEOUT(called, 20'000);
    QCOMPARE(callbackThread, QThread::currentThread());
}

void TestCredentialStore::destroyedContextDropsCallback()
{
    REQUIRE_KEYRING();
    CredentialStore store(kTestService);
    bool dropped = true;
    bool other = false;
    {
        QObject context;
        store.readSecret(randomAccount(), &context, [&](const CredentialResult &) { dropped = false; });
    }
    store.readSecret(randomAccount(), nullptr, [&](const CredentialResult &) { other = true; });
    // The second read finishes after the first (QtKeychain runs jobs in order).
    QTRY_VERIFY_WITH_TIMEOUT(other, 20'000);
    QVERIFY(dropped);
}

void TestCredentialStore::queuedBeforeProbeAllAnswered()
{
    REQUIRE_KEYRING();
    CredentialStore store(kTestService);
    QCOMPARE(store.status(), CredentialStore::Status::Unknown);
    QSignalSpy statusSpy(&store, &CredentialStore::statusChanged);
    const QString account = randomAccount();
    m_written.append(account);
    const QString secret = randomSecret();
    QStringList order;
    store.writeSecret(account, secret, nullptr,
        [&](const CredentialResult &r) { order << (r.ok() ? "write" : "write-failed"); });
    store.readSecret(account, nullptr,
        [&](const CredentialResult &r) { order << (r.secret == secret ? "read" : "read-wrong"); });
    store.removeSecret(
        account, nullptr, [&](const CredentialResult &r) { order << (r.ok() ? "remove" : "remove-failed"); });
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 3, 20'000);
    QCOMPARE(order, QStringList({ "write", "read", "remove" }));
    QCOMPARE(statusSpy.count(), 1);
    QCOMPARE(statusSpy.at(0).at(0).value<CredentialStore::Status>(), CredentialStore::Status::Keychain);
}

void TestCredentialStore::rejectsEmptyAccountAndSecret()
{
    // Checked before any keychain is asked, so this runs everywhere.
    CredentialStore store(kTestService);
    const CredentialResult noAccount = store.readSecretBlocking(QString());
    QCOMPARE(noAccount.error, CredentialResult::Error::Failed);
    QVERIFY(!noAccount.message.isEmpty());
    const CredentialResult emptySecret = store.writeSecretBlocking(randomAccount(), QString());
    QCOMPARE(emptySecret.error, CredentialResult::Error::Failed);
    QVERIFY(emptySecret.message.contains(QLatin1String("empty")));
}

void TestCredentialStore::accountNames()
{
    QCOMPARE(CredentialStore::langfuseAccount(QStringLiteral("c1")), QStringLiteral("langfuse:c1"));
    QCOMPARE(CredentialStore::providerAccount(QStringLiteral("openai")), QStringLiteral("provider:openai"));
    QCOMPARE(CredentialStore().service(), QStringLiteral("Traceglass"));
}

void TestCredentialStore::noKeychainService_data()
{
    QTest::addColumn<bool>("broken");
    // Nothing on the bus can serve secrets: the probe alone decides.
    QTest::newRow("no service") << false;
    // The bus claims it can start a Secret Service, but the daemon dies on start: the first
    // QtKeychain job fails and the store falls back then.
    QTest::newRow("service fails to start") << true;
}

void TestCredentialStore::noKeychainService()
{
    QFETCH(bool, broken);
    const QString dbusDaemon = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
    if (dbusDaemon.isEmpty()) {
        if (keyringRequired())
            QFAIL("dbus-daemon is missing (scripts/install-deps installs it)");
        QSKIP("dbus-daemon is not installed");
    }
    // "broken": the bus may activate a Secret Service, which dies on start.
    PrivateSessionBus bus;
    QVERIFY2(
        bus.start(dbusDaemon, broken ? QStringLiteral("/bin/false") : QString()), qPrintable(bus.error()));

    const QString secret = randomSecret();
    const ChildRun child = bus.runChild({ { QLatin1String(kChildModeVar), QStringLiteral("1") },
        { QLatin1String(kChildSecretVar), secret } });
    QVERIFY2(child.ok, child.errors.constData());
    const QHash<QString, QString> &seen = child.values;
    QCOMPARE(seen.value(QStringLiteral("probe")),
        broken ? QStringLiteral("Keychain") : QStringLiteral("SessionOnly"));
    QCOMPARE(seen.value(QStringLiteral("write")), QStringLiteral("ok"));
    QVERIFY2(seen.value(QStringLiteral("writeMessage")).contains(QLatin1String("session only")),
        qPrintable(seen.value(QStringLiteral("writeMessage"))));
    QCOMPARE(seen.value(QStringLiteral("read")), QStringLiteral("ok"));
    QCOMPARE(seen.value(QStringLiteral("readSame")), QStringLiteral("yes"));
    QCOMPARE(seen.value(QStringLiteral("status")), QStringLiteral("SessionOnly"));
    const QString message = seen.value(QStringLiteral("message"));
    QVERIFY2(message.contains(
                 broken ? QLatin1String("keychain is not available") : QLatin1String("No keychain service")),
        qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("in memory for this session only")), qPrintable(message));
    QCOMPARE(seen.value(QStringLiteral("otherStore")), QStringLiteral("NotFound"));
    QCOMPARE(seen.value(QStringLiteral("remove")), QStringLiteral("ok"));
    QCOMPARE(seen.value(QStringLiteral("afterRemove")), QStringLiteral("NotFound"));

    // Not in what it printed or logged, and not in any file it could have written: home, XDG
    // dirs (QSettings lives under XDG_CONFIG_HOME), the working directory.
    QVERIFY(!child.output.contains(secret.toUtf8()));
    QVERIFY(!child.errors.contains(secret.toUtf8()));
    const QStringList leaks = bus.filesContaining(secret.toUtf8());
    QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u' ')));
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet(kChildModeVar))
        return runChild();
    TestCredentialStore test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_credentialstore.moc"
