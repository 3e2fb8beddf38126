#pragma once
// Shared by the keychain tests (CredentialStore, ConnectionRegistry): the keyring requirement, and
// a private D-Bus session bus without a Secret Service on which the test binary runs itself again
// as a child process that prints key=value lines for the parent to judge.

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

namespace tg::test {

inline const QString kTestService = QStringLiteral("Traceglass tests");

/// True when the run must have a keychain (scripts/test sets it): missing pieces fail, not skip.
inline bool keyringRequired()
{
    return qEnvironmentVariableIntValue("TRACEGLASS_REQUIRE_KEYRING") == 1;
}

// QSKIP/QFAIL must expand in the test function itself; the test class has a bool m_keyring.
#define REQUIRE_KEYRING()                                                                                    \
    do {                                                                                                     \
        if (!m_keyring) {                                                                                    \
            if (tg::test::keyringRequired())                                                                 \
                QFAIL("TRACEGLASS_REQUIRE_KEYRING=1, but no keychain service is on the session bus");        \
            QSKIP("no keychain service on the session bus; run under scripts/test or scripts/with-keyring"); \
        }                                                                                                    \
    } while (false)

/// One key=value line of a child's report (newlines in the value become spaces).
inline void printChildValue(const char *key, const QString &value)
{
    std::printf("%s=%s\n", key, qPrintable(QString(value).replace(u'\n', u' ')));
}

/// What a child run printed and reported.
struct ChildRun
{
    bool ok = false; ///< finished in time with exit code 0
    QByteArray output;
    QByteArray errors;
    QHash<QString, QString> values; ///< its key=value lines
};

/// A dbus-daemon of our own in a temporary directory, which also holds the child's home, XDG
/// folders and working directory. It has no standard service directories, so nothing on it serves
/// secrets unless start() is given a program to activate as org.freedesktop.secrets.
class PrivateSessionBus
{
public:
    PrivateSessionBus() = default;
    PrivateSessionBus(const PrivateSessionBus &) = delete;
    PrivateSessionBus &operator=(const PrivateSessionBus &) = delete;
    ~PrivateSessionBus()
    {
        if (m_bus.state() == QProcess::NotRunning)
            return;
        m_bus.terminate();
        if (!m_bus.waitForFinished(5'000))
            m_bus.kill();
    }

    /// Starts `dbusDaemon`; false with error() saying why if it does not come up.
    bool start(const QString &dbusDaemon, const QString &secretsServiceExec = {})
    {
        if (!m_dir.isValid())
            return fail(QStringLiteral("no temporary directory"));
        for (const char *sub : { "bus", "services", "home", "config", "data", "cache", "runtime", "work" }) {
            if (!QDir(m_dir.path()).mkpath(QLatin1String(sub)))
                return fail(QStringLiteral("cannot create %1").arg(QLatin1String(sub)));
        }
        QFile::setPermissions(filePath("runtime"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        const QString serviceDir = secretsServiceExec.isEmpty()
            ? QString()
            : QStringLiteral("<servicedir>%1</servicedir>").arg(filePath("services"));
        const QString config = QStringLiteral(
            "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" "
            "\"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
            "<busconfig><type>session</type><listen>unix:dir=%1</listen>%2"
            "<policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
            "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n")
                                   .arg(filePath("bus"), serviceDir);
        QFile configFile(filePath("bus.conf"));
        if (!configFile.open(QIODevice::WriteOnly) || configFile.write(config.toUtf8()) < 0)
            return fail(QStringLiteral("cannot write %1").arg(configFile.fileName()));
        configFile.close();
        if (!secretsServiceExec.isEmpty()) {
            QFile service(filePath("services/org.freedesktop.secrets.service"));
            if (!service.open(QIODevice::WriteOnly))
                return fail(QStringLiteral("cannot write %1").arg(service.fileName()));
            service.write(
                "[D-BUS Service]\nName=org.freedesktop.secrets\nExec=" + secretsServiceExec.toUtf8() + '\n');
        }

        m_bus.start(dbusDaemon,
            { QStringLiteral("--config-file=") + configFile.fileName(), QStringLiteral("--nofork"),
                QStringLiteral("--print-address=1") });
        if (!m_bus.waitForStarted(10'000))
            return fail(m_bus.errorString());
        const auto answered = [this] { return m_bus.canReadLine() || m_bus.state() != QProcess::Running; };
        if (!QTest::qWaitFor(answered, 10'000))
            return fail(QStringLiteral("dbus-daemon printed no address within 10 s"));
        m_address = QString::fromUtf8(m_bus.readLine()).trimmed();
        if (!m_address.startsWith(QLatin1String("unix:")))
            return fail(QString::fromUtf8(m_bus.readAllStandardError()));
        return true;
    }

    QString error() const { return m_error; }
    QString path() const { return m_dir.path(); }

    /// Runs this test binary again with only this bus as its session bus, its home, XDG folders
    /// and working directory in path(), no desktop, keychain or LANGFUSE_* variables, and
    /// `variables` added (the child mode switch, say).
    ChildRun runChild(const QHash<QString, QString> &variables)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : { "DISPLAY", "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP", "DESKTOP_SESSION",
                 "KDE_FULL_SESSION", "KDE_SESSION_VERSION", "GNOME_KEYRING_CONTROL", "QTKEYCHAIN_BACKEND",
                 "LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY" })
            env.remove(QLatin1String(name));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), m_address);
        env.insert(QStringLiteral("HOME"), filePath("home"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), filePath("config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), filePath("data"));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), filePath("cache"));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), filePath("runtime"));
        for (auto it = variables.cbegin(); it != variables.cend(); ++it)
            env.insert(it.key(), it.value());

        ChildRun run;
        QProcess child;
        child.setProcessEnvironment(env);
        child.setWorkingDirectory(filePath("work"));
        child.start(QCoreApplication::applicationFilePath(), {});
        const bool finished = child.waitForFinished(60'000);
        run.output = child.readAllStandardOutput();
        run.errors = child.readAllStandardError();
        if (!finished)
            run.errors += "\n(the child did not finish within 60 s)";
        run.ok = finished && child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0;
        for (const QByteArray &line : run.output.split('\n')) {
            const qsizetype eq = line.indexOf('=');
            if (eq > 0)
                run.values.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
        }
        return run;
    }

    /// The readable files under path() that contain `needle`; `*scanned` counts the files read.
    QStringList filesContaining(const QByteArray &needle, int *scanned = nullptr) const
    {
        QStringList hits;
        int read = 0;
        QDirIterator files(
            m_dir.path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            QFile file(files.next());
            if (!file.open(QIODevice::ReadOnly))
                continue;
            ++read;
            if (file.readAll().contains(needle))
                hits << file.fileName();
        }
        if (scanned)
            *scanned = read;
        return hits;
    }

private:
    QString filePath(const char *name) const { return m_dir.filePath(QLatin1String(name)); }
    bool fail(const QString &error)
    {
        m_error = error;
        return false;
    }

    QTemporaryDir m_dir;
    QProcess m_bus;
    QString m_address;
    QString m_error;
};

} // namespace tg::test
