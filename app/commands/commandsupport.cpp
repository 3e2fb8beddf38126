#include "commands/commandsupport.h"

#include "apppaths.h"
#include "commands/headlesscommands.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QThread>

#include <cstdio>
#include <unistd.h>

// The query language arrives with the explorer branch; until this tree has it, --query is free
// text only.
#if __has_include("query/tracequeryparser.h")
#include "query/tracequeryparser.h"
#define TG_HAVE_QUERY_PARSER 1
#endif

namespace tg::cli {

void out(const QString &line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

void err(const QString &line)
{
    std::fputs(qPrintable(line + u'\n'), stderr);
    std::fflush(stderr);
}

bool stderrIsTerminal()
{
    return isatty(fileno(stderr)) != 0;
}

QCommandLineOption dbOption()
{
    return QCommandLineOption(QStringLiteral("db"),
        QStringLiteral("Store file (default: %1).").arg(defaultStorePath()), QStringLiteral("file"));
}

std::optional<int> parse(QCommandLineParser &parser, const QString &command)
{
    parser.addHelpOption();
    if (!parser.parse(QCoreApplication::arguments())) {
        err(QStringLiteral("traceglass %1: %2").arg(command, parser.errorText()));
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out(parser.helpText());
        return ExitOk;
    }
    return std::nullopt;
}

std::unique_ptr<TraceStore> openStore(
    const QCommandLineParser &parser, const QString &command, bool fullTextIndex, int cacheSizeMiB)
{
    StoreOptions options;
    options.path
        = parser.isSet(QStringLiteral("db")) ? parser.value(QStringLiteral("db")) : defaultStorePath();
    options.fullTextIndex = fullTextIndex;
    options.cacheSizeMiB = cacheSizeMiB;
    QString error;
    auto store = TraceStore::open(options, &error);
    if (!store)
        err(QStringLiteral("traceglass %1: cannot open the store %2: %3").arg(command, options.path, error));
    return store;
}

std::optional<qint64> parseDurationMs(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h|d|w)\\s*$"));
    const QRegularExpressionMatch match = pattern.match(text.toLower());
    if (!match.hasMatch())
        return std::nullopt;
    const double value = match.captured(1).toDouble();
    const QString unit = match.captured(2);
    double factor = 1;
    if (unit == u"s")
        factor = 1e3;
    else if (unit == u"m" || unit == u"min")
        factor = 60e3;
    else if (unit == u"h")
        factor = 3600e3;
    else if (unit == u"d")
        factor = 86400e3;
    else if (unit == u"w")
        factor = 7 * 86400e3;
    return qint64(value * factor);
}

QDateTime parseTimeOrAgo(const QString &text)
{
    if (const auto ago = parseDurationMs(text))
        return QDateTime::currentDateTimeUtc().addMSecs(-*ago);
    QDateTime time = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text.trimmed(), Qt::ISODate);
    return time;
}

bool applyQuery(const QString &text, TraceFilter *filter, QString *error)
{
#ifdef TG_HAVE_QUERY_PARSER
    const TraceQueryResult result = TraceQueryParser::parse(text);
    if (!result.isValid()) {
        QStringList problems;
        for (const QueryError &e : result.errors)
            problems << QStringLiteral("at %1: %2").arg(e.position + 1).arg(e.message);
        *error = problems.join(QStringLiteral("; "));
        return false;
    }
    const TraceFilter &q = result.filter;
    TraceFilter &f = *filter;
    const auto take = [](auto &into, const auto &from) {
        if (from != std::decay_t<decltype(from)>())
            into = from;
    };
    take(f.name, q.name);
    take(f.nameContains, q.nameContains);
    take(f.userId, q.userId);
    take(f.sessionId, q.sessionId);
    f.tags += q.tags;
    f.environments += q.environments;
    take(f.minLevel, q.minLevel);
    take(f.model, q.model);
    take(f.agent, q.agent);
    take(f.minLatencyNs, q.minLatencyNs);
    take(f.maxLatencyNs, q.maxLatencyNs);
    take(f.minCost, q.minCost);
    take(f.maxCost, q.maxCost);
    take(f.text, q.text);
    return true;
#else
    static const QRegularExpression keyTerm(QStringLiteral("(^|\\s)[A-Za-z]+:[^/\\s]"));
    const QRegularExpressionMatch match = keyTerm.match(text);
    if (match.hasMatch()) {
        *error = QStringLiteral("at %1: this build takes free text only (use --name, --user, --tag, ...)")
                     .arg(match.capturedStart() + (match.captured(1).isEmpty() ? 1 : 2));
        return false;
    }
    filter->text = text.simplified();
    return true;
#endif
}

bool waitForSearchIndex(TraceStore &store, const std::atomic<bool> &cancel)
{
    // The indexer learns of older rows only once its thread runs, so compare the watermarks in
    // the files rather than its counters.
    bool announced = false;
    for (;;) {
        auto reader = store.reader();
        if (!reader)
            return false;
        const qint64 written = reader->db().queryInt("SELECT coalesce(max(rk), 0) FROM payloads").value_or(0);
        const qint64 indexed
            = reader->db().queryInt("SELECT value FROM fts.fts_state WHERE key = 'indexed_rk'").value_or(0);
        if (indexed >= written)
            return true;
        if (cancel)
            return false;
        if (!announced) {
            err(QStringLiteral("indexing %1 payload(s) for the search…").arg(written - indexed));
            announced = true;
        }
        reader.reset();
        QThread::msleep(50);
    }
}

bool resolveSources(
    StoreReader &reader, const QStringList &values, QList<qint64> *ids, const QString &command)
{
    const std::vector<Source> sources = reader.sources(false);
    for (const QString &value : values) {
        bool found = false;
        bool numeric = false;
        const qint64 id = value.toLongLong(&numeric);
        for (const Source &source : sources) {
            if ((numeric && source.id == id) || source.key == value
                || source.name.compare(value, Qt::CaseInsensitive) == 0) {
                ids->append(source.id);
                found = true;
            }
        }
        if (!found) {
            err(QStringLiteral("traceglass %1: no source \"%2\" (see traceglass stats)").arg(command, value));
            return false;
        }
    }
    return true;
}

} // namespace tg::cli
