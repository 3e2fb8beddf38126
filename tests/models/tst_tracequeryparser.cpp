// The filter bar's query language: text -> TraceFilter, located errors, completion context.
#include "query/tracequeryparser.h"

#include <QTest>

using namespace tg;

namespace {
constexpr qint64 kS = 1'000'000'000;
}

class TestTraceQueryParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyQueryIsNoFilter()
    {
        const TraceQueryResult r = TraceQueryParser::parse(QStringLiteral("   "));
        QVERIFY(r.isValid());
        QCOMPARE(r.filter, TraceFilter());
    }

    void everyKey()
    {
        const TraceQueryResult r = TraceQueryParser::parse(QStringLiteral(
            "name:support-chat user:u_42 session:\"sess 1\" tag:rag tag:prod env:production,staging "
            "level:error model:gpt-4o agent:Planner latency:>2s cost:<=0.5 refund policy"));
        QVERIFY2(r.isValid(), qPrintable(r.errors.value(0).message));
        const TraceFilter &f = r.filter;
        QCOMPARE(f.name, QStringLiteral("support-chat"));
        QCOMPARE(f.userId, QStringLiteral("u_42"));
        QCOMPARE(f.sessionId, QStringLiteral("sess 1"));
        QCOMPARE(f.tags, QStringList({ QStringLiteral("rag"), QStringLiteral("prod") }));
        QCOMPARE(f.environments, QStringList({ QStringLiteral("production"), QStringLiteral("staging") }));
        QCOMPARE(f.minLevel, std::optional<Level>(Level::Error));
        QCOMPARE(f.model, QStringLiteral("gpt-4o"));
        QCOMPARE(f.agent, QStringLiteral("Planner"));
        QCOMPARE(f.minLatencyNs, std::optional<qint64>(2 * kS + 1));
        QVERIFY(!f.maxLatencyNs);
        QCOMPARE(f.maxCost, std::optional<double>(0.5));
        QCOMPARE(f.text, QStringLiteral("refund policy"));
    }

    void aliasesAndCase()
    {
        const TraceQueryResult r = TraceQueryParser::parse(
            QStringLiteral("Environment:dev USERID:bob Tags:x Duration:<=1.5m SESSION_ID:s"));
        QVERIFY(r.isValid());
        QCOMPARE(r.filter.environments, QStringList { QStringLiteral("dev") });
        QCOMPARE(r.filter.userId, QStringLiteral("bob"));
        QCOMPARE(r.filter.tags, QStringList { QStringLiteral("x") });
        QCOMPARE(r.filter.maxLatencyNs, std::optional<qint64>(90 * kS));
        QCOMPARE(r.filter.sessionId, QStringLiteral("s"));
    }

    void nameWildcardIsContains()
    {
        TraceQueryResult r = TraceQueryParser::parse(QStringLiteral("name:*chat*"));
        QVERIFY(r.isValid());
        QCOMPARE(r.filter.nameContains, QStringLiteral("chat"));
        QVERIFY(r.filter.name.isEmpty());
        r = TraceQueryParser::parse(QStringLiteral("name:*"));
        QCOMPARE(r.errors.size(), 1);
    }

    void comparisons_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<qint64>("minNs");
        QTest::addColumn<qint64>("maxNs");
        QTest::newRow(">") << "latency:>2s" << 2 * kS + 1 << qint64(-1);
        QTest::newRow(">=") << "latency:>=2s" << 2 * kS << qint64(-1);
        QTest::newRow("<") << "latency:<500ms" << qint64(-1) << 500'000'000LL - 1;
        QTest::newRow("<=") << "latency:<=500ms" << qint64(-1) << 500'000'000LL;
        QTest::newRow("=") << "latency:=3s" << 3 * kS << 3 * kS;
        QTest::newRow("range") << "latency:1s..5s" << kS << 5 * kS;
        QTest::newRow("bare seconds") << "latency:>2" << 2 * kS + 1 << qint64(-1);
        QTest::newRow("two terms") << "latency:>1s latency:<2s" << kS + 1 << 2 * kS - 1;
        QTest::newRow("micro") << "latency:>=250us" << 250'000LL << qint64(-1);
        QTest::newRow("hours") << "latency:<=2h" << qint64(-1) << 7200 * kS;
    }

    void comparisons()
    {
        QFETCH(QString, query);
        QFETCH(qint64, minNs);
        QFETCH(qint64, maxNs);
        const TraceQueryResult r = TraceQueryParser::parse(query);
        QVERIFY2(r.isValid(), qPrintable(r.errors.value(0).message));
        QCOMPARE(r.filter.minLatencyNs.value_or(-1), minNs);
        QCOMPARE(r.filter.maxLatencyNs.value_or(-1), maxNs);
    }

    void cost()
    {
        TraceQueryResult r = TraceQueryParser::parse(QStringLiteral("cost:>$0.01"));
        QVERIFY(r.isValid());
        QVERIFY(r.filter.minCost && *r.filter.minCost > 0.01 && *r.filter.minCost < 0.0100001);
        r = TraceQueryParser::parse(QStringLiteral("cost:0.1..1"));
        QVERIFY(r.isValid());
        QCOMPARE(*r.filter.minCost, 0.1);
        QCOMPARE(*r.filter.maxCost, 1.0);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("position");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("unknown key") << "foo:bar" << 0 << "Unknown filter";
        QTest::newRow("unknown key later") << "refund usr:bob" << 7 << "Unknown filter";
        QTest::newRow("empty value") << "user:" << 0 << "needs a value";
        QTest::newRow("no comparison") << "latency:2s" << 8 << "needs a comparison";
        QTest::newRow("bad duration") << "latency:>2parsecs" << 8 << "not a valid value";
        QTest::newRow("bad cost") << "cost:>cheap" << 5 << "not a valid value";
        QTest::newRow("negative cost") << "cost:>-1" << 5 << "not a valid value";
        QTest::newRow("bad level") << "level:info" << 6 << "level:";
        QTest::newRow("two users") << "user:a user:b" << 7 << "Only one user";
        QTest::newRow("list for single") << "user:a,b" << 5 << "takes one value";
        QTest::newRow("unterminated") << "user:\"abc" << 5 << "closing quote";
        QTest::newRow("unterminated free") << "x \"abc" << 2 << "closing quote";
        QTest::newRow("after quote") << "user:\"a\"b" << 8 << "after a quoted value";
        QTest::newRow("negation") << "-tag:x" << 0 << "Negation";
        QTest::newRow("empty range") << "latency:5s..1s" << 8 << "range is empty";
        QTest::newRow("bounds twice") << "latency:>1s latency:>=2s" << 12 << "lower bound given twice";
        QTest::newRow("impossible bounds") << "latency:>5s latency:<1s" << 12 << "no value can match";
        QTest::newRow("trailing comma") << "env:a," << 5 << "Empty value";
    }

    void errors()
    {
        QFETCH(QString, query);
        QFETCH(int, position);
        QFETCH(QString, messagePart);
        const TraceQueryResult r = TraceQueryParser::parse(query);
        QVERIFY(!r.isValid());
        QCOMPARE(r.errors.front().position, position);
        QVERIFY(r.errors.front().length > 0);
        QVERIFY2(r.errors.front().message.contains(messagePart), qPrintable(r.errors.front().message));
    }

    void urlsAndQuotedTextAreFreeText()
    {
        const TraceQueryResult r
            = TraceQueryParser::parse(QStringLiteral("https://example.org/x \"error: timeout\" tag:\"a,b\""));
        QVERIFY2(r.isValid(), qPrintable(r.errors.value(0).message));
        QCOMPARE(r.filter.text, QStringLiteral("https://example.org/x error: timeout"));
        QCOMPARE(r.filter.tags, QStringList { QStringLiteral("a,b") });
    }

    void escapesInValues()
    {
        const TraceQueryResult r
            = TraceQueryParser::parse(QStringLiteral("user:\"say \\\"hi\\\" \\\\ bye\""));
        QVERIFY(r.isValid());
        QCOMPARE(r.filter.userId, QStringLiteral("say \"hi\" \\ bye"));
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ns");
        QTest::newRow("s") << "2s" << 2 * kS;
        QTest::newRow("fraction") << "1.5s" << 1'500'000'000LL;
        QTest::newRow("ms") << "300ms" << 300'000'000LL;
        QTest::newRow("us") << "250us" << 250'000LL;
        QTest::newRow("µs") << "3µs" << 3'000LL;
        QTest::newRow("ns") << "7ns" << 7LL;
        QTest::newRow("m") << "2m" << 120 * kS;
        QTest::newRow("min") << "1min" << 60 * kS;
        QTest::newRow("h") << "1h" << 3600 * kS;
        QTest::newRow("bare") << "3" << 3 * kS;
        QTest::newRow("bad unit") << "3y" << qint64(-1);
        QTest::newRow("no number") << "s" << qint64(-1);
        QTest::newRow("empty") << "" << qint64(-1);
        QTest::newRow("huge") << "99999999999h" << qint64(-1);
    }

    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ns);
        QCOMPARE(TraceQueryParser::parseDuration(text).value_or(-1), ns);
    }

    void completionKey()
    {
        const QString text = QStringLiteral("refund us");
        const QueryCompletion c = TraceQueryParser::completionAt(text, static_cast<int>(text.size()));
        QCOMPARE(c.kind, QueryCompletion::Kind::Key);
        QCOMPARE(c.prefix, QStringLiteral("us"));
        QCOMPARE(c.replaceStart, 7);
        QCOMPARE(c.replaceLength, 2);
        int cursor = 0;
        const QString applied = TraceQueryParser::applyCompletion(text, c, QStringLiteral("user:"), &cursor);
        QCOMPARE(applied, QStringLiteral("refund user:"));
        QCOMPARE(cursor, applied.size());
    }

    void completionInWhitespace()
    {
        const QueryCompletion c = TraceQueryParser::completionAt(QStringLiteral("a  b"), 2);
        QCOMPARE(c.kind, QueryCompletion::Kind::Key);
        QCOMPARE(c.prefix, QString());
        QCOMPARE(c.replaceStart, 2);
        QCOMPARE(c.replaceLength, 0);
    }

    void completionValue()
    {
        const QString text = QStringLiteral("tag:rag user:u_4 level:error");
        const int cursor = static_cast<int>(text.indexOf(QStringLiteral("u_4")) + 3);
        const QueryCompletion c = TraceQueryParser::completionAt(text, cursor);
        QCOMPARE(c.kind, QueryCompletion::Kind::Value);
        QCOMPARE(c.field, QStringLiteral("user"));
        QCOMPARE(c.prefix, QStringLiteral("u_4"));
        int newCursor = 0;
        const QString applied
            = TraceQueryParser::applyCompletion(text, c, QStringLiteral("u_42 x"), &newCursor);
        QCOMPARE(applied, QStringLiteral("tag:rag user:\"u_42 x\" level:error"));
        QCOMPARE(applied.left(newCursor), QStringLiteral("tag:rag user:\"u_42 x\""));
    }

    void completionValueListItem()
    {
        const QString text = QStringLiteral("env:production,sta");
        const QueryCompletion c = TraceQueryParser::completionAt(text, static_cast<int>(text.size()));
        QCOMPARE(c.kind, QueryCompletion::Kind::Value);
        QCOMPARE(c.field, QStringLiteral("env"));
        QCOMPARE(c.prefix, QStringLiteral("sta"));
        QCOMPARE(c.replaceStart, 15);
        int cursor = 0;
        QCOMPARE(TraceQueryParser::applyCompletion(text, c, QStringLiteral("staging"), &cursor),
            QStringLiteral("env:production,staging "));
    }

    void completionQuotedValue()
    {
        const QString text = QStringLiteral("session:\"sess a");
        const QueryCompletion c = TraceQueryParser::completionAt(text, static_cast<int>(text.size()));
        QCOMPARE(c.kind, QueryCompletion::Kind::Value);
        QCOMPARE(c.prefix, QStringLiteral("sess a"));
        QCOMPARE(c.replaceStart, 8);
        QCOMPARE(c.replaceLength, 7);
        int cursor = 0;
        QCOMPARE(TraceQueryParser::applyCompletion(text, c, QStringLiteral("sess abc"), &cursor),
            QStringLiteral("session:\"sess abc\" "));
    }

    void completionAliasKey()
    {
        const QueryCompletion c = TraceQueryParser::completionAt(QStringLiteral("environment:pr"), 14);
        QCOMPARE(c.field, QStringLiteral("env"));
        QCOMPARE(TraceQueryParser::fixedValues(QStringLiteral("level")).size(), 2);
    }

    void withTermReplacesSingleValuedKeys()
    {
        QCOMPARE(TraceQueryParser::withTerm(
                     QStringLiteral("user:a refund"), QStringLiteral("user"), QStringLiteral("b c")),
            QStringLiteral("refund user:\"b c\""));
        QCOMPARE(
            TraceQueryParser::withTerm(QStringLiteral("tag:x"), QStringLiteral("tag"), QStringLiteral("y")),
            QStringLiteral("tag:x tag:y"));
        QCOMPARE(
            TraceQueryParser::withTerm(QStringLiteral("tag:x"), QStringLiteral("tags"), QStringLiteral("x")),
            QStringLiteral("tag:x"));
        QCOMPARE(TraceQueryParser::withTerm(QString(), QStringLiteral("agent"), QStringLiteral("Planner")),
            QStringLiteral("agent:Planner"));
    }

    void toTextRoundTrips()
    {
        const QString query = QStringLiteral(
            "name:\"a b\" user:u session:s tag:t1 tag:\"t 2\" env:prod,dev level:warning model:m agent:A "
            "latency:1s..5s cost:>=0.25 words here");
        const TraceQueryResult first = TraceQueryParser::parse(query);
        QVERIFY(first.isValid());
        const QString written = TraceQueryParser::toText(first.filter);
        const TraceQueryResult second = TraceQueryParser::parse(written);
        QVERIFY2(second.isValid(), qPrintable(written));
        QCOMPARE(second.filter, first.filter);
        TraceFilter contains;
        contains.nameContains = QStringLiteral("chat");
        QCOMPARE(TraceQueryParser::parse(TraceQueryParser::toText(contains)).filter, contains);
    }

    void termsForHighlighting()
    {
        const QList<QueryTerm> terms
            = TraceQueryParser::terms(QStringLiteral(" user:\"a b\"  refund https://x"));
        QCOMPARE(terms.size(), 3);
        QCOMPARE(terms[0], (QueryTerm { 1, 10, 5 }));
        QCOMPARE(terms[1], (QueryTerm { 13, 6, 0 }));
        QCOMPARE(terms[2].keyLength, 0);
    }

    void garbageNeverCrashes()
    {
        const QStringList inputs { QStringLiteral(":"), QStringLiteral("::::"), QStringLiteral("\""),
            QStringLiteral("a:\"\\"), QStringLiteral("latency:>"), QStringLiteral("cost:.."),
            QStringLiteral("latency:..5s"), QStringLiteral(",,,"), QStringLiteral("tag:,"),
            QStringLiteral("name:\"\""), QString(2000, u'"') };
        for (const QString &input : inputs) {
            TraceQueryParser::parse(input);
            for (int i = 0; i <= input.size(); ++i)
                TraceQueryParser::completionAt(input, i);
        }
    }
};

QTEST_GUILESS_MAIN(TestTraceQueryParser)
#include "tst_tracequeryparser.moc"
