#include "commands/importcommand.h"

#include "commands/commandsupport.h"
#include "commands/headlesscommands.h"
#include "formats/tracefileimporter.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>

#include <atomic>
#include <csignal>

namespace tg {

namespace {

std::atomic<bool> g_cancel { false };

void onSignal(int)
{
    g_cancel = true;
}

std::optional<TraceFileFormat> formatFromKey(const QString &key)
{
    const QString k = key.trimmed().toLower();
    if (k.isEmpty() || k == u"auto")
        return TraceFileFormat::Unknown;
    if (k == u"otlp-json")
        return TraceFileFormat::OtlpJson;
    if (k == u"otlp-jsonl")
        return TraceFileFormat::OtlpJsonLines;
    if (k == u"otlp-protobuf")
        return TraceFileFormat::OtlpProtobuf;
    if (k == u"otlp-protobuf-delimited")
        return TraceFileFormat::OtlpProtobufDelimited;
    if (k == u"otlp-protobuf-framed")
        return TraceFileFormat::OtlpProtobufFramed;
    if (k == u"langfuse-json")
        return TraceFileFormat::LangfuseJson;
    if (k == u"langfuse-jsonl")
        return TraceFileFormat::LangfuseJsonLines;
    return std::nullopt;
}

} // namespace

int runImportCommand(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Read trace files into the store, each file as a source of its own (opening a file again updates "
        "it). Formats are recognised from the content: OTLP JSON, OTLP JSON Lines (the OpenTelemetry "
        "Collector's file exporter), OTLP protobuf (one message, varint-delimited or the Collector's "
        "length-prefixed stream), Langfuse exports, API answers and ingestion batches, each also "
        "gzip-compressed (decompressed to a temporary file first). Files of any size are read as streams. "
        "Malformed parts are reported by line or byte and skipped; the rest is "
        "stored."));
    parser.addPositionalArgument(QStringLiteral("import"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(
        QStringLiteral("files"), QStringLiteral("Trace files."), QStringLiteral("FILE..."));
    parser.addOption(cli::dbOption());
    const QCommandLineOption format(QStringLiteral("format"),
        QStringLiteral("Read as this format instead of detecting it: otlp-json, otlp-jsonl, otlp-protobuf, "
                       "otlp-protobuf-delimited, otlp-protobuf-framed, langfuse-json, langfuse-jsonl."),
        QStringLiteral("format"));
    const QCommandLineOption name(QStringLiteral("name"),
        QStringLiteral("Source name (default: the file name; one file only)."), QStringLiteral("name"));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("Print only problems."));
    const QCommandLineOption maxProblems(QStringLiteral("max-problems"),
        QStringLiteral("Problems to print per file (default 20)."), QStringLiteral("n"),
        QStringLiteral("20"));
    for (const auto &option : { format, name, quiet, maxProblems })
        parser.addOption(option);
    if (const auto code = cli::parse(parser, QStringLiteral("import")))
        return *code;

    const QStringList files = parser.positionalArguments().mid(1);
    if (files.isEmpty()) {
        cli::err(QStringLiteral("traceglass import: no files given (see --help)"));
        return ExitUsage;
    }
    const auto forced = formatFromKey(parser.value(format));
    if (!forced) {
        cli::err(QStringLiteral("traceglass import: unknown --format %1").arg(parser.value(format)));
        return ExitUsage;
    }
    if (parser.isSet(name) && files.size() > 1) {
        cli::err(QStringLiteral("traceglass import: --name needs exactly one file"));
        return ExitUsage;
    }
    const int problemLimit = std::max(0, parser.value(maxProblems).toInt());

    // The search index catches up when the app next opens the store: importing does not wait for it.
    auto store = cli::openStore(parser, QStringLiteral("import"), false);
    if (!store)
        return ExitStoreUnavailable;

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const bool terminal = cli::stderrIsTerminal() && !parser.isSet(quiet);
    int exitCode = ExitOk;
    for (const QString &file : files) {
        if (g_cancel)
            break;
        TraceFileImportOptions options;
        options.format = *forced;
        options.sourceName = parser.value(name);
        const TraceFileImportResult result = TraceFileImporter::importFile(
            *store, file, options, &g_cancel, [&](const TraceFileImportProgress &p) {
                if (terminal && p.fileSize > 0)
                    std::fprintf(stderr, "\r%s: %3d%%, %lld spans", qPrintable(QFileInfo(file).fileName()),
                        int(p.bytesRead * 100 / p.fileSize), static_cast<long long>(p.spans));
            });
        if (terminal)
            std::fputs("\r\033[K", stderr);
        if (!result.ok && result.format == TraceFileFormat::Unknown) {
            cli::err(QStringLiteral("traceglass import: %1: %2").arg(file, result.error));
            exitCode = ExitFailure;
            continue;
        }
        if (!parser.isSet(quiet) || result.problemCount > 0)
            cli::out(result.summary());
        int shown = 0;
        for (const FileProblem &problem : result.problems) {
            if (shown >= problemLimit)
                break;
            cli::err(QStringLiteral("  %1: %2").arg(QFileInfo(file).fileName(), problem.toString()));
            ++shown;
        }
        if (result.problemCount > shown)
            cli::err(QStringLiteral("  … and %1 more problem(s)").arg(result.problemCount - shown));
        if (!result.ok || result.cancelled || result.problemCount > 0)
            exitCode = ExitFailure;
    }
    return g_cancel ? ExitFailure : exitCode;
}

} // namespace tg
