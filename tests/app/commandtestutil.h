#pragma once
// Runs the built `traceglass` executable the way a script would: without a display, with settings
// of its own (XDG_CONFIG_HOME) and no Langfuse variables unless a test adds them.

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTest>

namespace tg::test {

inline const QString kTraceglass = QStringLiteral(TRACEGLASS_BINARY_DIR "/app/traceglass");

struct CommandRun
{
    int exitCode = -1;
    bool crashed = false;
    QByteArray out;
    QByteArray err;

    QString outText() const { return QString::fromUtf8(out); }
    QString errText() const { return QString::fromUtf8(err); }
    /// For failure messages.
    QByteArray describe() const
    {
        return "exit " + QByteArray::number(exitCode) + (crashed ? " (crashed)" : "")
            + "\nstdout: " + out.left(2000) + "\nstderr: " + err.left(2000);
    }
};

/// The environment of a headless run: no display of any kind, the given config home.
inline QProcessEnvironment headlessEnvironment(const QString &configHome)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : { "DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "LANGFUSE_PUBLIC_KEY",
             "LANGFUSE_SECRET_KEY", "LANGFUSE_HOST", "LANGFUSE_BASE_URL" })
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    return env;
}

inline CommandRun runTraceglass(
    const QStringList &arguments, const QProcessEnvironment &env, int timeoutMs = 60'000)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(kTraceglass, arguments);
    CommandRun run;
    if (!process.waitForStarted(10'000)) {
        run.err = process.errorString().toUtf8();
        return run;
    }
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5'000);
        run.err = "timed out: " + process.readAllStandardError();
        return run;
    }
    run.crashed = process.exitStatus() != QProcess::NormalExit;
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace tg::test
