// Domain vocabulary: levels, observation types, usage and cost sums, ISO timestamps.
#include "domain/observationtype.h"
#include "domain/timeformat.h"
#include "domain/usage.h"

#include <QJsonDocument>
#include <QTest>

using namespace tg;

class TestDomain : public QObject
{
    Q_OBJECT

private slots:
    void levelFromString_data();
    void levelFromString();
    void levelNamesRoundTrip();
    void levelFromIntRejectsOutOfRange();
    void observationTypeFromString_data();
    void observationTypeFromString();
    void observationTypeNamesRoundTrip();
    void usageSums();
    void usageTotalPrefersExplicitKey();
    void usageFromJsonSkipsNonNumbers();
    void usageMergeOverwritesKeys();
    void costTotal();
    void costFromJsonSkipsNegativeAndGarbage();
    void detailsJsonTextRoundTrips();
    void parseIsoTimestamp_data();
    void parseIsoTimestamp();
    void parseIsoTimestampRejectsGarbage_data();
    void parseIsoTimestampRejectsGarbage();
    void formatIsoTimestampRoundTrip();
};

void TestDomain::levelFromString_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("level"); // -1 = rejected

    QTest::newRow("DEBUG") << "DEBUG" << int(Level::Debug);
    QTest::newRow("trace alias") << "trace" << int(Level::Debug);
    QTest::newRow("DEFAULT") << "DEFAULT" << int(Level::Default);
    QTest::newRow("info alias") << "Info" << int(Level::Default);
    QTest::newRow("WARNING") << "WARNING" << int(Level::Warning);
    QTest::newRow("warn alias") << "warn" << int(Level::Warning);
    QTest::newRow("ERROR") << "error" << int(Level::Error);
    QTest::newRow("fatal alias") << "FATAL" << int(Level::Error);
    QTest::newRow("critical alias") << "critical" << int(Level::Error);
    QTest::newRow("padded") << "  warning \n" << int(Level::Warning);
    QTest::newRow("empty") << "" << -1;
    QTest::newRow("unknown") << "NOTICE" << -1;
    QTest::newRow("prefix only") << "WARNINGS" << -1;
}

void TestDomain::levelFromString()
{
    QFETCH(QString, text);
    QFETCH(int, level);
    const std::optional<Level> parsed = tg::levelFromString(text);
    if (level < 0) {
        QVERIFY(!parsed.has_value());
    } else {
        QVERIFY(parsed.has_value());
        QCOMPARE(int(*parsed), level);
    }
}

void TestDomain::levelNamesRoundTrip()
{
    for (const Level level : { Level::Debug, Level::Default, Level::Warning, Level::Error }) {
        QCOMPARE(tg::levelFromString(levelName(level)), level);
        QCOMPARE(levelFromInt(int(level)), level);
    }
}

void TestDomain::levelFromIntRejectsOutOfRange()
{
    QVERIFY(!levelFromInt(-1).has_value());
    QVERIFY(!levelFromInt(4).has_value());
}

void TestDomain::observationTypeFromString_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("type"); // -1 = rejected

    QTest::newRow("GENERATION") << "GENERATION" << int(ObservationType::Generation);
    QTest::newRow("lower case") << "generation" << int(ObservationType::Generation);
    QTest::newRow("mixed case") << "Tool" << int(ObservationType::Tool);
    QTest::newRow("padded") << " guardrail " << int(ObservationType::Guardrail);
    QTest::newRow("SPAN") << "SPAN" << int(ObservationType::Span);
    QTest::newRow("empty") << "" << -1;
    QTest::newRow("unknown") << "TASK" << -1;
    QTest::newRow("otel kind is no type") << "SPAN_KIND_CLIENT" << -1;
}

void TestDomain::observationTypeFromString()
{
    QFETCH(QString, text);
    QFETCH(int, type);
    const std::optional<ObservationType> parsed = tg::observationTypeFromString(text);
    if (type < 0) {
        QVERIFY(!parsed.has_value());
    } else {
        QVERIFY(parsed.has_value());
        QCOMPARE(int(*parsed), type);
    }
}

void TestDomain::observationTypeNamesRoundTrip()
{
    for (const ObservationType type : kAllObservationTypes) {
        const QString name = observationTypeName(type);
        QCOMPARE(name, name.toUpper());
        QCOMPARE(tg::observationTypeFromString(name), type);
        QCOMPARE(observationTypeFromInt(int(type)), type);
    }
    QVERIFY(!observationTypeFromInt(-1).has_value());
    QVERIFY(!observationTypeFromInt(kObservationTypeCount).has_value());
}

void TestDomain::usageSums()
{
    UsageDetails usage;
    usage.set(QStringLiteral("input"), 100);
    usage.set(QStringLiteral("input_cached_tokens"), 40);
    usage.set(QStringLiteral("input_cache_creation"), 5);
    usage.set(QStringLiteral("output"), 30);
    usage.set(QStringLiteral("output_reasoning_tokens"), 12);
    usage.set(QStringLiteral("audio"), 7); // neither input nor output

    QCOMPARE(usage.inputTokens(), 145);
    QCOMPARE(usage.outputTokens(), 42);
    QCOMPARE(usage.totalTokens(), 187); // no "total" key: input + output, "audio" not counted
    QCOMPARE(usage.cachedTokens(), 45);
    QCOMPARE(usage.reasoningTokens(), 12);
    QCOMPARE(usage.value(QStringLiteral("missing")), 0);

    const UsageDetails empty;
    QVERIFY(empty.isEmpty());
    QCOMPARE(empty.totalTokens(), 0);
    QVERIFY(empty.toJsonText().isEmpty());
}

void TestDomain::usageTotalPrefersExplicitKey()
{
    UsageDetails usage;
    usage.set(QStringLiteral("input"), 10);
    usage.set(QStringLiteral("output"), 5);
    usage.set(QStringLiteral("total"), 99);
    QCOMPARE(usage.totalTokens(), 99);
}

void TestDomain::usageFromJsonSkipsNonNumbers()
{
    const UsageDetails usage = UsageDetails::fromJsonText(
        R"({"input": 12, "output": "7", "total": "lots", "cache": null, "nested": {"a": 1}})");
    QCOMPARE(usage.values.size(), 2);
    QCOMPARE(usage.value(QStringLiteral("input")), 12);
    QCOMPARE(usage.value(QStringLiteral("output")), 7);

    QVERIFY(UsageDetails::fromJsonText("not json").isEmpty());
    QVERIFY(UsageDetails::fromJsonText("[1, 2]").isEmpty());
    QVERIFY(UsageDetails::fromJsonText(QByteArray()).isEmpty());

    const UsageDetails back = UsageDetails::fromJsonText(usage.toJsonText());
    QCOMPARE(back, usage);
}

void TestDomain::usageMergeOverwritesKeys()
{
    UsageDetails stored = UsageDetails::fromJsonText(R"({"input": 1, "output": 2})");
    stored.mergeFrom(UsageDetails::fromJsonText(R"({"output": 20, "total": 21})"));
    QCOMPARE(stored.value(QStringLiteral("input")), 1);
    QCOMPARE(stored.value(QStringLiteral("output")), 20);
    QCOMPARE(stored.totalTokens(), 21);
}

void TestDomain::costTotal()
{
    CostDetails cost;
    cost.set(QStringLiteral("input"), 0.25);
    cost.set(QStringLiteral("output"), 0.5);
    QCOMPARE(cost.total(), 0.75);
    cost.set(QStringLiteral("total"), 1.0);
    QCOMPARE(cost.total(), 1.0);
    QCOMPARE(CostDetails().total(), 0.0);
}

void TestDomain::costFromJsonSkipsNegativeAndGarbage()
{
    const CostDetails cost = CostDetails::fromJsonText(
        R"({"input": 0.001, "output": "0.002", "refund": -1, "note": "free", "x": true})");
    QCOMPARE(cost.values.size(), 2);
    QCOMPARE(cost.value(QStringLiteral("input")), 0.001);
    QCOMPARE(cost.value(QStringLiteral("output")), 0.002);
    QCOMPARE(cost.total(), 0.003);
    QVERIFY(CostDetails::fromJsonText("{").isEmpty());
}

void TestDomain::detailsJsonTextRoundTrips()
{
    // Hand-written serialisation: keys with quotes, backslashes, control and non-ASCII
    // characters, large and fractional numbers must come back unchanged.
    UsageDetails usage;
    usage.set(QStringLiteral("input"), 1234567890123LL);
    usage.set(QStringLiteral("we\"ird\\key\n"), 7);
    usage.set(QStringLiteral("ключ-токены"), 42);
    usage.set(QStringLiteral("emoji-😀"), -3);
    const QByteArray usageText = usage.toJsonText();
    QVERIFY(QJsonDocument::fromJson(usageText).isObject());
    QCOMPARE(UsageDetails::fromJsonText(usageText), usage);

    CostDetails cost;
    cost.set(QStringLiteral("input"), 0.1);
    cost.set(QStringLiteral("output"), 1.0 / 3.0);
    cost.set(QStringLiteral("total"), 12345.000001);
    const QByteArray costText = cost.toJsonText();
    QCOMPARE(CostDetails::fromJsonText(costText), cost);
    QVERIFY(UsageDetails().toJsonText().isEmpty());

    UsageDetails plain;
    plain.set(QStringLiteral("output"), 5);
    plain.set(QStringLiteral("input"), 10);
    QCOMPARE(plain.toJsonText(), QByteArray(R"({"input":10,"output":5})"));
    QCOMPARE(usage.toJsonText(),
        QByteArray(
            "{\"emoji-\xF0\x9F\x98\x80\":-3,\"input\":1234567890123,\"we\\\"ird\\\\key\\u000a\":7,"
            "\"\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87-\xD1\x82\xD0\xBE\xD0\xBA\xD0\xB5\xD0\xBD\xD1\x8B\":42}"));
}

void TestDomain::parseIsoTimestamp_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ns");

    constexpr qint64 base = 1787392800LL * 1'000'000'000LL; // 2026-08-22T10:00:00Z
    QTest::newRow("Z") << "2026-08-22T10:00:00Z" << base;
    QTest::newRow("millis") << "2026-08-22T10:00:00.123Z" << base + 123'000'000;
    QTest::newRow("micros") << "2026-08-22T10:00:00.123456Z" << base + 123'456'000;
    QTest::newRow("nanos") << "2026-08-22T10:00:00.123456789Z" << base + 123'456'789;
    QTest::newRow("beyond nanos truncated") << "2026-08-22T10:00:00.1234567899Z" << base + 123'456'789;
    QTest::newRow("comma fraction") << "2026-08-22T10:00:00,5Z" << base + 500'000'000;
    QTest::newRow("positive offset") << "2026-08-22T12:00:00+02:00" << base;
    QTest::newRow("negative offset") << "2026-08-22T02:30:00-07:30" << base;
    QTest::newRow("offset without colon") << "2026-08-22T15:30:00+0530" << base;
    QTest::newRow("offset hours only") << "2026-08-22T11:00:00+01" << base;
    QTest::newRow("fraction and offset") << "2026-08-22T11:00:00.25+01:00" << base + 250'000'000;
    QTest::newRow("no zone means UTC") << "2026-08-22T10:00:00" << base;
    QTest::newRow("no seconds") << "2026-08-22T10:00Z" << base;
    QTest::newRow("space separator") << "2026-08-22 10:00:00Z" << base;
    QTest::newRow("date only") << "2026-08-22" << base - 10LL * 3600 * 1'000'000'000;
    QTest::newRow("padded") << "  2026-08-22T10:00:00Z\n" << base;
    QTest::newRow("epoch") << "1970-01-01T00:00:00Z" << qint64(0);
    QTest::newRow("before epoch") << "1969-12-31T23:59:59Z" << qint64(-1'000'000'000);
}

void TestDomain::parseIsoTimestamp()
{
    QFETCH(QString, text);
    QFETCH(qint64, ns);
    const std::optional<qint64> parsed = parseIsoTimestampNs(text);
    QVERIFY2(parsed.has_value(), qPrintable(text));
    QCOMPARE(*parsed, ns);
}

void TestDomain::parseIsoTimestampRejectsGarbage_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << "";
    QTest::newRow("words") << "yesterday";
    QTest::newRow("epoch number") << "1787392800";
    QTest::newRow("month 13") << "2026-13-01T00:00:00Z";
    QTest::newRow("February 30") << "2026-02-30T00:00:00Z";
    QTest::newRow("hour 25") << "2026-08-22T25:00:00Z";
    QTest::newRow("minute 60") << "2026-08-22T10:60:00Z";
    QTest::newRow("empty fraction") << "2026-08-22T10:00:00.Z";
    QTest::newRow("unknown zone") << "2026-08-22T10:00:00X";
    QTest::newRow("named zone") << "2026-08-22T10:00:00 CET";
    QTest::newRow("trailing text") << "2026-08-22T10:00:00Z later";
    QTest::newRow("half offset") << "2026-08-22T10:00:00+05:3";
    QTest::newRow("two-digit year") << "26-08-22T10:00:00Z";
    QTest::newRow("slashes") << "2026/08/22 10:00:00";
    QTest::newRow("T without time") << "2026-08-22T";
}

void TestDomain::parseIsoTimestampRejectsGarbage()
{
    QFETCH(QString, text);
    QVERIFY2(!parseIsoTimestampNs(text).has_value(), qPrintable(text));
}

void TestDomain::formatIsoTimestampRoundTrip()
{
    const qint64 ns = 1787392800LL * 1'000'000'000LL + 123'456'789;
    QCOMPARE(formatIsoTimestamp(ns), QStringLiteral("2026-08-22T10:00:00.123Z"));
    QCOMPARE(formatIsoTimestampMicros(ns), QStringLiteral("2026-08-22T10:00:00.123456Z"));
    QCOMPARE(parseIsoTimestampNs(formatIsoTimestampMicros(ns)), ns - 789);
}

QTEST_GUILESS_MAIN(TestDomain)
#include "tst_domain.moc"
