#include "commands/exportcommand.h"

#include "commands/commandsupport.h"
#include "commands/headlesscommands.h"
#include "formats/traceexporter.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QFile>

#include <atomic>
#include <csignal>

namespace tg {

namespace {

std::atomic<bool> g_cancel { false };

void onSignal(int)
{
    g_cancel = true;
}

} // namespace

int runExportCommand(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write stored traces to a file: OTLP JSON, OTLP JSON Lines or OTLP protobuf (Langfuse's OTel "
        "attributes, readable by Langfuse and other OpenTelemetry tools, and re-imported as the same "
        "traces), Langfuse JSON (the API's trace-with-observations shape, with scores) or CSV (the traces "
        "table). Without filters every trace is written. Redaction options apply before anything is "
        "written."));
    parser.addPositionalArgument(QStringLiteral("export"), QStringLiteral("The subcommand."));
    parser.addOption(cli::dbOption());
    const QCommandLineOption format(QStringLiteral("format"),
        QStringLiteral("otlp-json, otlp-jsonl, otlp-protobuf, langfuse-json or csv."),
        QStringLiteral("format"));
    const QCommandLineOption output(QStringList { QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("Output file; - for stdout."), QStringLiteral("file"));
    const QCommandLineOption source(QStringLiteral("source"),
        QStringLiteral("Only this source (id, key or name; repeatable)."), QStringLiteral("source"));
    const QCommandLineOption since(QStringLiteral("since"),
        QStringLiteral("Traces from this time on: ISO-8601 or a duration ago (90m, 24h, 7d)."),
        QStringLiteral("time"));
    const QCommandLineOption until(QStringLiteral("until"),
        QStringLiteral("Traces before this time: ISO-8601 or a duration ago."), QStringLiteral("time"));
    const QCommandLineOption name(
        QStringLiteral("name"), QStringLiteral("Trace name (exact)."), QStringLiteral("name"));
    const QCommandLineOption nameContains(QStringLiteral("name-contains"),
        QStringLiteral("Trace name contains (case-insensitive)."), QStringLiteral("text"));
    const QCommandLineOption user(
        QStringLiteral("user"), QStringLiteral("User id (exact)."), QStringLiteral("id"));
    const QCommandLineOption session(
        QStringLiteral("session"), QStringLiteral("Session id (exact)."), QStringLiteral("id"));
    const QCommandLineOption tag(QStringLiteral("tag"),
        QStringLiteral("Has this tag (repeatable: all of them)."), QStringLiteral("tag"));
    const QCommandLineOption environment(QStringList { QStringLiteral("env"), QStringLiteral("environment") },
        QStringLiteral("Environment (repeatable: any of them)."), QStringLiteral("name"));
    const QCommandLineOption level(QStringLiteral("level"),
        QStringLiteral("At least this level somewhere in the trace: warning or error."),
        QStringLiteral("level"));
    const QCommandLineOption model(QStringLiteral("model"),
        QStringLiteral("Some observation used this model."), QStringLiteral("model"));
    const QCommandLineOption search(QStringLiteral("search"),
        QStringLiteral("Full-text search over names, inputs and outputs."), QStringLiteral("text"));
    const QCommandLineOption query(QStringLiteral("query"),
        QStringLiteral("A filter in the trace list's query language, e.g. \"user:u_42 tag:prod level:error "
                       "latency:>2s refund\" (free words search names, inputs and outputs). The options "
                       "above narrow it further."),
        QStringLiteral("query"));
    const QCommandLineOption trace(QStringLiteral("trace"),
        QStringLiteral("This trace id (repeatable). Alone: only these traces; with other filters: added to "
                       "what they select."),
        QStringLiteral("id"));
    const QCommandLineOption redactIo(
        QStringLiteral("redact-io"), QStringLiteral("Leave out every input and output."));
    const QCommandLineOption mask(QStringLiteral("mask"),
        QStringLiteral(
            "Mask emails, api-keys (comma-separated or repeated) or regex:PATTERN (the rest of the "
            "value is one regular expression)."),
        QStringLiteral("what"));
    const QCommandLineOption maskRegex(QStringLiteral("mask-regex"),
        QStringLiteral("Mask matches of this regular expression (repeatable)."), QStringLiteral("regex"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("No summary line."));
    for (const auto &option : { format, output, source, since, until, name, nameContains, user, session, tag,
             environment, level, model, search, query, trace, redactIo, mask, maskRegex, quiet })
        parser.addOption(option);
    if (const auto code = cli::parse(parser, QStringLiteral("export")))
        return *code;

    auto fail = [](const QString &message) {
        cli::err(QStringLiteral("traceglass export: ") + message);
        return ExitUsage;
    };
    if (!parser.isSet(format))
        return fail(QStringLiteral(
            "--format is required (otlp-json, otlp-jsonl, otlp-protobuf, langfuse-json, csv)"));
    const auto exportFormat = exportFormatFromKey(parser.value(format));
    if (!exportFormat)
        return fail(QStringLiteral("unknown --format %1").arg(parser.value(format)));
    if (!parser.isSet(output))
        return fail(QStringLiteral("-o FILE is required (- for stdout)"));

    ExportOptions options;
    options.format = *exportFormat;
    options.otlp.scopeVersion = QStringLiteral(TRACEGLASS_VERSION);
    options.redaction.dropInputOutput = parser.isSet(redactIo);
    options.redaction.customPatterns = parser.values(maskRegex);
    for (const QString &value : parser.values(mask)) {
        // "emails,regex:a,b": everything after "regex:" is the pattern, commas included.
        const qsizetype regexAt = value.indexOf(QStringLiteral("regex:"));
        if (regexAt >= 0 && (regexAt == 0 || value.at(regexAt - 1) == u','))
            options.redaction.customPatterns << value.mid(regexAt + 6);
        const QString words = regexAt >= 0 ? value.left(regexAt) : value;
        for (const QString &what : words.split(u',', Qt::SkipEmptyParts)) {
            const QString w = what.trimmed().toLower();
            if (w == u"emails" || w == u"email")
                options.redaction.maskEmails = true;
            else if (w == u"api-keys" || w == u"api-key" || w == u"keys")
                options.redaction.maskApiKeys = true;
            else
                return fail(
                    QStringLiteral("--mask takes emails, api-keys or regex:PATTERN, not %1").arg(what));
        }
    }
    QString redactionError;
    if (!ExportRedactor(options.redaction).isValid(&redactionError))
        return fail(redactionError);

    TraceFilter filter;
    if (parser.isSet(query)) {
        QString queryError;
        if (!cli::applyQuery(parser.value(query), &filter, &queryError))
            return fail(QStringLiteral("--query %1: %2").arg(parser.value(query), queryError));
    }
    if (parser.isSet(since)) {
        const QDateTime time = cli::parseTimeOrAgo(parser.value(since));
        if (!time.isValid())
            return fail(
                QStringLiteral("--since %1 is neither a time nor a duration").arg(parser.value(since)));
        filter.fromNs = time.toMSecsSinceEpoch() * 1'000'000;
    }
    if (parser.isSet(until)) {
        const QDateTime time = cli::parseTimeOrAgo(parser.value(until));
        if (!time.isValid())
            return fail(
                QStringLiteral("--until %1 is neither a time nor a duration").arg(parser.value(until)));
        filter.toNs = time.toMSecsSinceEpoch() * 1'000'000;
    }
    const auto set = [&](QString &field, const QCommandLineOption &option) {
        if (parser.isSet(option))
            field = parser.value(option);
    };
    set(filter.name, name);
    set(filter.nameContains, nameContains);
    set(filter.userId, user);
    set(filter.sessionId, session);
    set(filter.model, model);
    if (parser.isSet(search))
        filter.text = QString(filter.text + u' ' + parser.value(search)).trimmed();
    filter.tags += parser.values(tag);
    filter.environments += parser.values(environment);
    if (parser.isSet(level)) {
        const QString l = parser.value(level).toLower();
        if (l == u"warning" || l == u"warn")
            filter.minLevel = Level::Warning;
        else if (l == u"error")
            filter.minLevel = Level::Error;
        else
            return fail(QStringLiteral("--level takes warning or error"));
    }

    // The search index only matters to free-text filters; without them it would only compete for CPU.
    auto store = cli::openStore(parser, QStringLiteral("export"), !filter.text.isEmpty());
    if (!store)
        return ExitStoreUnavailable;
    auto reader = store->reader();
    if (!reader) {
        cli::err(QStringLiteral("traceglass export: cannot read the store"));
        return ExitStoreUnavailable;
    }
    if (!cli::resolveSources(*reader, parser.values(source), &filter.sourceIds, QStringLiteral("export")))
        return ExitUsage;

    ExportSelection selection;
    const QStringList traceIds = parser.values(trace);
    for (const QString &id : traceIds) {
        bool found = false;
        for (const Source &s : reader->sources(false)) {
            if (!filter.sourceIds.isEmpty() && !filter.sourceIds.contains(s.id))
                continue;
            if (const auto row = reader->traceById(s.id, id)) {
                selection.traceRks.append(row->rk);
                found = true;
            }
        }
        if (!found) {
            cli::err(QStringLiteral("traceglass export: no trace %1").arg(id));
            return ExitFailure;
        }
    }
    // --trace alone selects just those traces; with other filters it adds to what they select.
    TraceFilter beyondSources = filter;
    beyondSources.sourceIds.clear();
    if (traceIds.isEmpty() || beyondSources != TraceFilter())
        selection.query = TraceQuery { filter, TraceSortKey::Time, false };

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    if (!filter.text.isEmpty()) {
        reader.reset();
        if (!cli::waitForSearchIndex(*store, g_cancel)) {
            cli::err(QStringLiteral("traceglass export: cancelled"));
            return ExitFailure;
        }
        reader = store->reader();
    }
    const QString path = parser.value(output);
    ExportResult result;
    if (path == u"-") {
        QFile stdoutFile;
        if (!stdoutFile.open(stdout, QIODevice::WriteOnly)) {
            cli::err(QStringLiteral("traceglass export: cannot write to stdout"));
            return ExitFailure;
        }
        result = TraceExporter::write(*reader, selection, options, stdoutFile, &g_cancel);
        stdoutFile.flush();
    } else {
        reader.reset();
        result = TraceExporter::writeFile(store->readerPool(), selection, options, path, &g_cancel);
    }
    if (!result.ok) {
        cli::err(QStringLiteral("traceglass export: %1")
                     .arg(result.cancelled ? QStringLiteral("cancelled") : result.error));
        return ExitFailure;
    }
    if (!parser.isSet(quiet))
        cli::err(QStringLiteral("%1 %2").arg(exportFormatLabel(options.format), result.summary()));
    return ExitOk;
}

} // namespace tg
