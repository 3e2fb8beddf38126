#include "commands/statscommand.h"

#include "commands/commandsupport.h"
#include "commands/headlesscommands.h"
#include "domain/timeformat.h"
#include "store/outbox.h"
#include "store/schema.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace tg {

int runStatsCommand(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Show what the store holds: its sources with trace and observation counts, sessions and scores, the "
        "forwarder's outbox per target, and the file sizes."));
    parser.addPositionalArgument(QStringLiteral("stats"), QStringLiteral("The subcommand."));
    parser.addOption(cli::dbOption());
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOption(json);
    if (const auto code = cli::parse(parser, QStringLiteral("stats")))
        return *code;
    if (parser.isSet(QStringLiteral("db")) && !QFileInfo::exists(parser.value(QStringLiteral("db")))) {
        cli::err(QStringLiteral("traceglass stats: no store at %1").arg(parser.value(QStringLiteral("db"))));
        return ExitStoreUnavailable;
    }
    auto store = cli::openStore(parser, QStringLiteral("stats"), false);
    if (!store)
        return ExitStoreUnavailable;
    auto reader = store->reader();
    if (!reader) {
        cli::err(QStringLiteral("traceglass stats: cannot read the store"));
        return ExitStoreUnavailable;
    }
    sql::Database &db = reader->db();
    QJsonArray sources;
    for (const Source &source : reader->sources(true)) {
        sql::Statement count(db,
            "SELECT count(*) FROM observations o JOIN traces t ON t.rk = o.trace_rk WHERE t.source_id = ?1");
        count.bind(1, source.id);
        const qint64 observations = count.step() ? count.columnInt(0) : 0;
        sources.append(QJsonObject {
            { QStringLiteral("id"), source.id },
            { QStringLiteral("kind"), sourceKindName(source.kind) },
            { QStringLiteral("key"), source.key },
            { QStringLiteral("name"), source.name },
            { QStringLiteral("traces"), source.traceCount },
            { QStringLiteral("observations"), observations },
        });
    }
    QJsonArray outbox;
    const qint64 now = nowNs();
    for (const QString &target : Outbox::targets(*reader)) {
        const OutboxStats stats = Outbox::stats(*reader, target, now, true);
        QJsonArray rules;
        for (const ForwardRule &rule : Outbox::rules(*reader)) {
            if (rule.target == target)
                rules.append(rule.sourceId);
        }
        outbox.append(QJsonObject {
            { QStringLiteral("target"), target },
            { QStringLiteral("pending"), stats.pending },
            { QStringLiteral("waiting"), stats.waiting },
            { QStringLiteral("failed"), stats.failed },
            { QStringLiteral("sent"), stats.sent },
            { QStringLiteral("lastError"), stats.lastError },
            { QStringLiteral("autoForwardSources"), rules },
        });
    }
    const auto size = [](const QString &path) { return QFileInfo(path).size(); };
    const QJsonObject totals {
        { QStringLiteral("traces"), db.queryInt("SELECT count(*) FROM traces").value_or(0) },
        { QStringLiteral("observations"), db.queryInt("SELECT count(*) FROM observations").value_or(0) },
        { QStringLiteral("sessions"), db.queryInt("SELECT count(*) FROM sessions").value_or(0) },
        { QStringLiteral("scores"), db.queryInt("SELECT count(*) FROM scores").value_or(0) },
    };
    const QJsonObject all {
        { QStringLiteral("store"), store->path() },
        { QStringLiteral("schema"), schema::currentVersion(db) },
        { QStringLiteral("bytes"), size(store->path()) + size(store->path() + QStringLiteral("-wal")) },
        { QStringLiteral("searchIndexBytes"), size(store->fullTextPath()) },
        { QStringLiteral("totals"), totals },
        { QStringLiteral("sources"), sources },
        { QStringLiteral("outbox"), outbox },
    };
    if (parser.isSet(json)) {
        cli::out(QString::fromUtf8(QJsonDocument(all).toJson(QJsonDocument::Indented)).trimmed());
        return ExitOk;
    }
    const QLocale locale;
    cli::out(QStringLiteral("store    %1 (schema %2, %3; search index %4)")
                 .arg(store->path())
                 .arg(schema::currentVersion(db))
                 .arg(locale.formattedDataSize(all.value(QStringLiteral("bytes")).toInteger()),
                     locale.formattedDataSize(all.value(QStringLiteral("searchIndexBytes")).toInteger())));
    cli::out(QStringLiteral("totals   %1 traces, %2 observations, %3 sessions, %4 scores")
                 .arg(locale.toString(totals.value(QStringLiteral("traces")).toInteger()),
                     locale.toString(totals.value(QStringLiteral("observations")).toInteger()),
                     locale.toString(totals.value(QStringLiteral("sessions")).toInteger()),
                     locale.toString(totals.value(QStringLiteral("scores")).toInteger())));
    cli::out(QStringLiteral("sources"));
    if (sources.isEmpty())
        cli::out(QStringLiteral("  (none)"));
    for (const QJsonValue &value : sources) {
        const QJsonObject s = value.toObject();
        cli::out(QStringLiteral("  %1  %2  %3: %4 traces, %5 observations  [%6]")
                     .arg(s.value(QStringLiteral("id")).toInteger(), 3)
                     .arg(s.value(QStringLiteral("kind")).toString(), -8)
                     .arg(s.value(QStringLiteral("name")).toString(),
                         locale.toString(s.value(QStringLiteral("traces")).toInteger()),
                         locale.toString(s.value(QStringLiteral("observations")).toInteger()),
                         s.value(QStringLiteral("key")).toString()));
    }
    if (!outbox.isEmpty()) {
        cli::out(QStringLiteral("outbox"));
        for (const QJsonValue &value : outbox) {
            const QJsonObject o = value.toObject();
            QString line = QStringLiteral("  %1: %2 pending (%3 waiting to retry), %4 refused, %5 delivered")
                               .arg(o.value(QStringLiteral("target")).toString())
                               .arg(o.value(QStringLiteral("pending")).toInteger())
                               .arg(o.value(QStringLiteral("waiting")).toInteger())
                               .arg(o.value(QStringLiteral("failed")).toInteger())
                               .arg(o.value(QStringLiteral("sent")).toInteger());
            if (!o.value(QStringLiteral("lastError")).toString().isEmpty())
                line += QStringLiteral("; last error: ") + o.value(QStringLiteral("lastError")).toString();
            cli::out(line);
        }
    }
    return ExitOk;
}

} // namespace tg
