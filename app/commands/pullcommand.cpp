#include "commands/pullcommand.h"

#include "commands/commandsupport.h"
#include "commands/headlesscommands.h"
#include "credentialstore.h"
#include "forwarder/forwardtarget.h"
#include "forwarder/langfusepuller.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QLocale>

namespace tg {

int runPullCommand(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Download the traces, observations and scores of a time window from a Langfuse connection into the "
        "store (source \"<connection> / <project>\"). Connections are the ones saved in the app, by name or "
        "id; with LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY and LANGFUSE_HOST set, \"env\" names that one. "
        "The secret key comes from the system keychain (or the environment)."));
    parser.addPositionalArgument(QStringLiteral("pull"), QStringLiteral("The subcommand."));
    parser.addOption(cli::dbOption());
    const QCommandLineOption connection(QStringLiteral("connection"),
        QStringLiteral("Connection name or id (\"env\" for the LANGFUSE_* variables)."),
        QStringLiteral("name"));
    const QCommandLineOption since(QStringLiteral("since"),
        QStringLiteral("Start of the window: a duration ago (24h, 7d) or an ISO-8601 time (default 24h)."),
        QStringLiteral("time"), QStringLiteral("24h"));
    const QCommandLineOption until(
        QStringLiteral("until"), QStringLiteral("End of the window (default: now)."), QStringLiteral("time"));
    const QCommandLineOption noScores(QStringLiteral("no-scores"), QStringLiteral("Do not download scores."));
    const QCommandLineOption secretEnv(QStringLiteral("secret-key-env"),
        QStringLiteral("Read the secret key from this environment variable instead of the keychain."),
        QStringLiteral("name"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No progress lines."));
    for (const auto &option : { connection, since, until, noScores, secretEnv, quiet })
        parser.addOption(option);
    if (const auto code = cli::parse(parser, QStringLiteral("pull")))
        return *code;

    if (!parser.isSet(connection)) {
        cli::err(QStringLiteral("traceglass pull: --connection NAME is required"));
        return ExitUsage;
    }
    PullOptions options;
    options.from = cli::parseTimeOrAgo(parser.value(since));
    if (!options.from.isValid()) {
        cli::err(QStringLiteral("traceglass pull: --since %1 is neither a time nor a duration")
                     .arg(parser.value(since)));
        return ExitUsage;
    }
    if (parser.isSet(until)) {
        options.to = cli::parseTimeOrAgo(parser.value(until));
        if (!options.to.isValid()) {
            cli::err(QStringLiteral("traceglass pull: --until %1 is neither a time nor a duration")
                         .arg(parser.value(until)));
            return ExitUsage;
        }
    }
    options.scores = !parser.isSet(noScores);

    const auto target = ForwardTargets::find(parser.value(connection));
    if (!target) {
        QStringList names;
        for (const ForwardTarget &t : ForwardTargets::load())
            names << QStringLiteral("%1 (%2)").arg(t.name, t.id);
        cli::err(
            QStringLiteral("traceglass pull: no connection \"%1\"; known: %2")
                .arg(parser.value(connection), names.isEmpty() ? QStringLiteral("none") : names.join(u", ")));
        return ExitUsage;
    }

    QString secret;
    if (parser.isSet(secretEnv)) {
        secret = qEnvironmentVariable(qPrintable(parser.value(secretEnv)));
    } else if (target->fromEnvironment
        || parser.value(connection) == QLatin1String(ForwardTargets::kEnvironmentId)) {
        secret = qEnvironmentVariable("LANGFUSE_SECRET_KEY");
    } else {
        CredentialStore credentials;
        const CredentialResult read
            = credentials.readSecretBlocking(CredentialStore::langfuseAccount(target->id));
        if (!read.ok()) {
            cli::err(QStringLiteral("traceglass pull: no secret key for \"%1\": %2")
                         .arg(target->name,
                             read.message.isEmpty() ? QStringLiteral("not in the keychain") : read.message));
            return ExitFailure;
        }
        secret = read.secret;
    }
    if (secret.isEmpty()) {
        cli::err(QStringLiteral("traceglass pull: the secret key for \"%1\" is empty").arg(target->name));
        return ExitFailure;
    }

    auto store = cli::openStore(parser, QStringLiteral("pull"), true);
    if (!store)
        return ExitStoreUnavailable;
    LangfusePuller puller(store.get(), *target, secret);
    const bool verbose = !parser.isSet(quiet);
    int exitCode = ExitOk;
    QObject::connect(&puller, &LangfusePuller::progress, &app, [verbose](qint64 traces, qint64 observations) {
        if (verbose)
            cli::err(QStringLiteral("… %1 traces, %2 observations").arg(traces).arg(observations));
    });
    QObject::connect(&puller, &LangfusePuller::finished, &app, [&](const PullResult &result) {
        if (result.ok) {
            const QLocale locale;
            cli::out(
                QStringLiteral("%1 / %2: %3 traces, %4 observations, %5 scores%6")
                    .arg(target->name, result.projectName.isEmpty() ? result.projectId : result.projectName,
                        locale.toString(result.traces), locale.toString(result.observations),
                        locale.toString(result.scores),
                        result.legacyApi ? QStringLiteral(" (legacy v1 API)") : QString()));
            exitCode = ExitOk;
        } else {
            cli::err(QStringLiteral("traceglass pull: %1").arg(result.error));
            if (result.authFailed)
                cli::err(QStringLiteral(
                    "traceglass pull: %1 refused the keys of \"%2\"; check its public and secret key")
                             .arg(target->host, target->name));
            exitCode = result.unreachable ? ExitNetwork : ExitFailure;
        }
        QCoreApplication::quit();
    });
    puller.start(options);
    QCoreApplication::exec();
    store->flush();
    return exitCode;
}

} // namespace tg
