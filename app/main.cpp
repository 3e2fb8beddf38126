// Traceglass: the desktop application and its headless subcommands.
#include "apppaths.h"
#include "commands/headlesscommands.h"
#include "demo/demoloader.h"
#include "files/filescontroller.h"
#include "files/forwardercontroller.h"
#include "langfuse/langfusesyncmanager.h"
#include "mainwindow.h"
#include "receiver/receivercontroller.h"
#include "replay/replaycontroller.h"
#include "store/tracestore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLabel>
#include <QMessageBox>
#include <QStatusBar>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <cstdio>

namespace {

void setApplicationNames()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Traceglass"));
    QCoreApplication::setApplicationName(QStringLiteral("Traceglass"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TRACEGLASS_VERSION));
}

} // namespace

int main(int argc, char *argv[])
{
    setApplicationNames();
    // Subcommands run without a window (and without a display).
    bool handled = false;
    const int code = tg::runHeadlessCommand(argc, argv, &handled);
    if (handled)
        return code;

    QApplication app(argc, argv);
    QApplication::setDesktopFileName(QStringLiteral("io.github.traceglass.Traceglass"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Native desktop explorer for LLM traces."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(QStringList { QStringLiteral("db") },
        QStringLiteral("Store file (default: %1).").arg(tg::defaultStorePath()), QStringLiteral("file"));
    const QCommandLineOption demoOption(
        QStringLiteral("demo"), QStringLiteral("Load generated demo traces."));
    parser.addOption(dbOption);
    parser.addOption(demoOption);
    const QCommandLineOption portOption(QStringLiteral("port"),
        QStringLiteral("Local receiver OTLP/HTTP port for this run (default: from settings, 4318)."),
        QStringLiteral("n"));
    const QCommandLineOption grpcPortOption(QStringLiteral("grpc-port"),
        QStringLiteral("Local receiver OTLP/gRPC port for this run (default: from settings, 4317)."),
        QStringLiteral("n"));
    const QCommandLineOption noReceiverOption(
        QStringLiteral("no-receiver"), QStringLiteral("Do not start the local receiver."));
    parser.addOption(portOption);
    parser.addOption(grpcPortOption);
    parser.addOption(noReceiverOption);
    parser.addPositionalArgument(QStringLiteral("files"),
        QStringLiteral("Trace files to open, each as a source of its own."), QStringLiteral("[FILE...]"));
    parser.process(app);
    QStringList notFiles;
    const QStringList filesToOpen
        = tg::FilesController::filesFromArguments(parser.positionalArguments(), &notFiles);
    for (const QString &arg : notFiles)
        std::fprintf(stderr, "traceglass: %s is not a file\n", qPrintable(arg));

    tg::ReceiverLaunchOverrides receiverOverrides;
    receiverOverrides.disabled = parser.isSet(noReceiverOption);
    for (const auto &[option, target] : { std::pair { &portOption, &receiverOverrides.httpPort },
             std::pair { &grpcPortOption, &receiverOverrides.grpcPort } }) {
        if (!parser.isSet(*option))
            continue;
        bool ok = false;
        const uint port = parser.value(*option).toUInt(&ok);
        if (!ok || port == 0 || port > 65535) {
            std::fprintf(stderr, "traceglass: --%s must be a port number (1-65535)\n",
                qPrintable(option->names().constFirst()));
            return 2;
        }
        *target = quint16(port);
    }

    tg::StoreOptions options;
    options.path = parser.isSet(dbOption) ? parser.value(dbOption) : tg::defaultStorePath();
    QString error;
    auto store = tg::TraceStore::open(options, &error);
    if (!store) {
        QMessageBox::critical(nullptr, QStringLiteral("Traceglass"),
            QStringLiteral("The trace store could not be opened.\n\n%1").arg(error));
        return 1;
    }

    // Before the window, so that it goes after it: the window's hooks point at it.
    tg::LangfuseSyncManager connections(store.get());
    tg::MainWindow window(store.get());
    window.setConnections(&connections);
    tg::ReplayController replay(store.get());
    replay.install(&window);
    // Declared after the window: destroyed first, committing what it accepted.
    tg::ReceiverController receiver(store.get());
    receiver.install(&window);
    receiver.setOverrides(receiverOverrides);
    tg::FilesController files(store.get());
    files.install(&window);
    tg::ForwarderController forwarding(store.get());
    forwarding.install(&window, connections.registry());
    window.show();
    receiver.startAtLaunch();
    connections.start();
    forwarding.startAtLaunch();
    if (!filesToOpen.isEmpty())
        QTimer::singleShot(0, &files, [&files, filesToOpen] { files.openFiles(filesToOpen); });

    if (parser.isSet(demoOption)) {
        QLabel *status = window.addStatusSlot(QStringLiteral("demoStatus"));
        status->setText(QObject::tr("Generating demo traces…"));
        tg::TraceStore *storePtr = store.get();
        QtConcurrent::run([storePtr] {
            QString demoError;
            const qint64 source = tg::loadDemoData(*storePtr, tg::defaultDemoOptions(), {}, &demoError);
            return source > 0 ? QString() : demoError;
        }).then(&window, [status](const QString &demoError) {
            status->setText(
                demoError.isEmpty() ? QString() : QObject::tr("Demo data failed: %1").arg(demoError));
        });
    }
    return QApplication::exec();
}
