// Traceglass: the desktop application and its headless subcommands.
#include "apppaths.h"
#include "demo/demoloader.h"
#include "langfuse/langfusesyncmanager.h"
#include "mainwindow.h"
#include "store/tracestore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLabel>
#include <QMessageBox>
#include <QStatusBar>
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
    parser.process(app);

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
    window.show();
    connections.start();

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
