// CredentialStore against a real gnome-keyring (scripts/test runs every test inside one, see
// scripts/with-keyring), and with no keychain service at all: a private dbus-daemon without a
// Secret Service, in a child process so that the whole process sees only that bus.
//
// Secrets are random per run; every entry a test writes is removed in cleanup().
#include "credentialstore.h"

#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>

#include <cstdio>

using namespace tg;

namespace {

const QString kTestService = QStringLiteral("Traceglass tests");
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

bool keyringRequired()
{
    return qEnvironmentVariableIntValue("TRACEGLASS_REQUIRE_KEYRING") == 1;
}

// The child side of the no-daemon tests: runs against whatever bus DBUS_SESSION_BUS_ADDRESS names
// and prints key=value lines; the parent judges them. It never prints the secret itself.
int runChild()
{
    const QString secret = qEnvironmentVariable(kChildSecretVar);
    const QString account = CredentialStore::langfuseAccount(QStringLiteral("child"));
    auto out = [](const char *key, const QString &value) {
        std::printf("%s=%s\n", key, qPrintable(QString(value).replace(u'\n', u' ')));
    };
    CredentialStore store(kTestService);
    out("probe", QLatin1String(statusName(store.probeBlocking())));
    const CredentialResult written = store.writeSecretBlocking(account, secret);
    out("write", QLatin1String(errorName(written.error)));
    out("writeMessage", written.message);
    const CredentialResult read = store.readSecretBlocking(account);
    out("read", QLatin1String(errorName(read.error)));
    out("readSame", read.secret == secret ? QStringLiteral("yes") : QStringLiteral("no"));
    out("status", QLatin1String(statusName(store.status())));
    out("message", store.statusMessage());
    // Another store (a later run, in effect) must not see it: nothing was persisted.
    CredentialStore other(kTestService);
    out("otherStore", QLatin1String(errorName(other.readSecretBlocking(account).error)));
    out("remove", QLatin1String(errorName(store.removeSecretBlocking(account).error)));
    out("afterRemove", QLatin1String(errorName(store.readSecretBlocking(account).error)));
    std::fflush(stdout);
    return 0;
}

} // namespace

// QSKIP/QFAIL must expand in the test function itself.
#define REQUIRE_KEYRING()                                                                                    \
    do {                                                                                                     \
        if (!m_keyring) {                                                                                    \
            if (keyringRequired())                                                                           \
                QFAIL("TRACEGLASS_REQUIRE_KEYRING=1, but no keychain service is on the session bus");        \
            QSKIP("no keychain service on the session bus; run under scripts/test or scripts/with-keyring"); \
        }                                                                                                    \
    } while (false)

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
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (const char *sub : { "bus", "services", "home", "config", "data", "cache", "runtime", "work" })
        QVERIFY(QDir(dir.path()).mkpath(QLatin1String(sub)));
    QFile::setPermissions(
        dir.filePath(QStringLiteral("runtime")), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);

    // A session bus of our own: no standard service directories, so nothing gets activated
    // except what this test puts in its own.
    QString config
        = QStringLiteral(R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%1</listen>
  %2
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)");
    config = config.arg(dir.filePath(QStringLiteral("bus")),
        broken ? QStringLiteral("<servicedir>%1</servicedir>").arg(dir.filePath(QStringLiteral("services")))
               : QString());
    QFile configFile(dir.filePath(QStringLiteral("bus.conf")));
    QVERIFY(configFile.open(QIODevice::WriteOnly));
    configFile.write(config.toUtf8());
    configFile.close();
    if (broken) {
        QFile service(dir.filePath(QStringLiteral("services/org.freedesktop.secrets.service")));
        QVERIFY(service.open(QIODevice::WriteOnly));
        service.write("[D-BUS Service]\nName=org.freedesktop.secrets\nExec=/bin/false\n");
    }

    QProcess bus;
    bus.setProcessChannelMode(QProcess::SeparateChannels);
    bus.start(dbusDaemon,
        { QStringLiteral("--config-file=") + configFile.fileName(), QStringLiteral("--nofork"),
            QStringLiteral("--print-address=1") });
    QVERIFY2(bus.waitForStarted(10'000), qPrintable(bus.errorString()));
    auto stopBus = qScopeGuard([&bus] {
        bus.terminate();
        if (!bus.waitForFinished(5'000))
            bus.kill();
    });
    QTRY_VERIFY_WITH_TIMEOUT(bus.canReadLine() || bus.state() != QProcess::Running, 10'000);
    const QString address = QString::fromUtf8(bus.readLine()).trimmed();
    QVERIFY2(address.startsWith(QLatin1String("unix:")),
        qPrintable(QString::fromUtf8(bus.readAllStandardError())));

    const QString secret = randomSecret();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : { "DISPLAY", "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP", "DESKTOP_SESSION",
             "KDE_FULL_SESSION", "KDE_SESSION_VERSION", "GNOME_KEYRING_CONTROL", "QTKEYCHAIN_BACKEND" })
        env.remove(QLatin1String(name));
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), address);
    env.insert(QStringLiteral("HOME"), dir.filePath(QStringLiteral("home")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), dir.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), dir.filePath(QStringLiteral("runtime")));
    env.insert(QLatin1String(kChildModeVar), QStringLiteral("1"));
    env.insert(QLatin1String(kChildSecretVar), secret);

    QProcess child;
    child.setProcessEnvironment(env);
    child.setWorkingDirectory(dir.filePath(QStringLiteral("work")));
    child.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(child.waitForFinished(60'000));
    const QByteArray output = child.readAllStandardOutput();
    const QByteArray errors = child.readAllStandardError();
    QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0, errors.constData());

    QHash<QString, QString> seen;
    for (const QByteArray &line : output.split('\n')) {
        const qsizetype eq = line.indexOf('=');
        if (eq > 0)
            seen.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
    }
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
    QVERIFY(!output.contains(secret.toUtf8()));
    QVERIFY(!errors.contains(secret.toUtf8()));
    QDirIterator files(dir.path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        if (file.open(QIODevice::ReadOnly))
            QVERIFY2(!file.readAll().contains(secret.toUtf8()), qPrintable(file.fileName()));
    }
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
