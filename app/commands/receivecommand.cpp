#include "commands/receivecommand.h"

#include "apppaths.h"
#include "commands/headlesscommands.h"
#include "domain/timeformat.h"
#include "receiver/tracereceiver.h"
#include "store/tracestore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace tg {

namespace {

std::atomic<int> g_stopSignal { 0 };

void onSignal(int signal)
{
    g_stopSignal = signal;
}

void print(const QString &line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

} // namespace

int runReceiveCommand(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Run the local trace receiver without a window: OTLP/HTTP (protobuf, JSON), OTLP/gRPC and the "
        "Langfuse ingestion API, stored in FILE."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("receive"), QStringLiteral("The subcommand."));
    const QCommandLineOption db(QStringLiteral("db"),
        QStringLiteral("Store file (default: %1).").arg(defaultStorePath()), QStringLiteral("file"));
    const QCommandLineOption port(QStringLiteral("port"),
        QStringLiteral("OTLP/HTTP port (default 4318; 0 picks one)."), QStringLiteral("n"),
        QStringLiteral("4318"));
    const QCommandLineOption grpcPort(QStringLiteral("grpc-port"),
        QStringLiteral("OTLP/gRPC port (default 4317)."), QStringLiteral("n"), QStringLiteral("4317"));
    const QCommandLineOption noGrpc(
        QStringLiteral("no-grpc"), QStringLiteral("Do not listen for OTLP/gRPC."));
    const QCommandLineOption address(QStringLiteral("address"),
        QStringLiteral("Address to bind (default 127.0.0.1). Anything but loopback needs "
                       "--public-key and --secret-key."),
        QStringLiteral("ip"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption publicKey(QStringLiteral("public-key"),
        QStringLiteral("Receiver public key (HTTP Basic user)."), QStringLiteral("key"));
    const QCommandLineOption secretKeyEnv(QStringLiteral("secret-key-env"),
        QStringLiteral(
            "Name of the environment variable holding the receiver secret key (keeps it out of `ps`)."),
        QStringLiteral("name"));
    const QCommandLineOption maxBody(QStringLiteral("max-body-mib"),
        QStringLiteral("Largest request body in MiB (default 64)."), QStringLiteral("n"),
        QStringLiteral("64"));
    const QCommandLineOption cors(QStringLiteral("cors-origin"),
        QStringLiteral("Allow this browser origin (repeatable)."), QStringLiteral("origin"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No line per batch."));
    for (const auto &option :
        { db, port, grpcPort, noGrpc, address, publicKey, secretKeyEnv, maxBody, cors, quiet })
        parser.addOption(option);
    if (!parser.parse(QCoreApplication::arguments())) {
        std::fprintf(stderr, "traceglass receive: %s\n", qPrintable(parser.errorText()));
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        print(parser.helpText());
        return ExitOk;
    }

    ReceiverOptions options;
    bool ok = true;
    const auto readPort = [&](const QCommandLineOption &option) {
        bool valid = false;
        const int value = parser.value(option).toInt(&valid);
        if (!valid || value < 0 || value > 65535) {
            std::fprintf(stderr, "traceglass receive: --%s must be a port number\n",
                qPrintable(option.names().first()));
            ok = false;
        }
        return static_cast<quint16>(value);
    };
    options.httpPort = readPort(port);
    options.grpcPort = readPort(grpcPort);
    options.grpcEnabled = !parser.isSet(noGrpc);
    if (!options.address.setAddress(parser.value(address))) {
        std::fprintf(stderr, "traceglass receive: --address must be an IP address\n");
        ok = false;
    }
    const int maxBodyMiB = parser.value(maxBody).toInt();
    if (maxBodyMiB <= 0 || maxBodyMiB > 2048) {
        std::fprintf(stderr, "traceglass receive: --max-body-mib must be between 1 and 2048\n");
        ok = false;
    }
    options.maxBodyBytes = static_cast<qsizetype>(maxBodyMiB) * 1024 * 1024;
    options.allowedOrigins = parser.values(cors);
    options.publicKey = parser.value(publicKey);
    if (parser.isSet(secretKeyEnv))
        options.secretKey = qEnvironmentVariable(qPrintable(parser.value(secretKeyEnv)));
    if (!ok)
        return ExitUsage;

    StoreOptions storeOptions;
    storeOptions.path = parser.isSet(db) ? parser.value(db) : defaultStorePath();
    QString error;
    auto store = TraceStore::open(storeOptions, &error);
    if (!store) {
        std::fprintf(stderr, "traceglass receive: cannot open the store: %s\n", qPrintable(error));
        return ExitStoreUnavailable;
    }
    TraceReceiver receiver(store.get());
    if (!receiver.start(options, &error)) {
        std::fprintf(stderr, "traceglass receive: %s\n", qPrintable(error));
        return ExitNetwork;
    }
    print(
        QStringLiteral("listening: OTLP/HTTP and Langfuse API on %1, OTLP/gRPC %2; store %3")
            .arg(receiver.httpEndpoint(),
                options.grpcEnabled ? QStringLiteral("on ") + receiver.grpcEndpoint() : QStringLiteral("off"),
                storeOptions.path));
    const bool printBatches = !parser.isSet(quiet);
    QObject::connect(
        &receiver, &TraceReceiver::batchReceived, &app, [printBatches](const ReceivedBatch &batch) {
            if (!printBatches)
                return;
            print(QStringLiteral("%1 %2 %3 spans, %4 traces, %5 rejected, %6 bytes, %7 ms")
                      .arg(formatIsoTimestamp(nowNs()), batch.protocol)
                      .arg(batch.spans)
                      .arg(batch.traces)
                      .arg(batch.rejected)
                      .arg(batch.bytes)
                      .arg(batch.milliseconds, 0, 'f', 1));
        });

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &app, [&] {
        if (g_stopSignal.load() == 0)
            return;
        poll.stop();
        print(QStringLiteral("stopping: committing what was received…"));
        receiver.stop();
        store->flush();
        // The last commits' batchReceived notices are still queued: print them before the
        // closing line (exit() would drop them).
        QCoreApplication::sendPostedEvents();
        const ReceiverStats stats = receiver.stats();
        print(QStringLiteral("stopped: %1 spans stored, %2 rejected, %3 requests")
                  .arg(stats.spansAccepted)
                  .arg(stats.spansRejected)
                  .arg(stats.requests));
        QCoreApplication::exit(ExitOk);
    });
    poll.start(50);
    return QCoreApplication::exec();
}

} // namespace tg
