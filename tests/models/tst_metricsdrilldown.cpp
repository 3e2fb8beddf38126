// Drill-down from a chart point to a trace-list filter: bucket window clipped to the query,
// group values per dimension, the query's filters, errors, and inexpressible groups.
#include "metrics/metricsdrilldown.h"

#include <QTest>

using namespace tg;

namespace {

MetricsSeries chart(Dimension groupBy, Measure measure = Measure::Cost)
{
    MetricsSeries r;
    r.query.groupBy = groupBy;
    r.query.measure = measure;
    r.query.fromNs = 150;
    r.query.toNs = 350;
    r.query.sourceIds = { 1, 2 };
    r.edges = { 100, 200, 300, 400 };
    for (const char *key : { "a", "", "7" }) {
        MetricsSeriesData s;
        s.key = QString::fromLatin1(key);
        s.label = s.key.isEmpty() ? QStringLiteral("(none)") : s.key;
        s.values = { 1, 2, 3 };
        r.series.push_back(s);
    }
    MetricsSeriesData other;
    other.isOther = true;
    other.label = QStringLiteral("Other");
    r.series.push_back(other);
    return r;
}

} // namespace

class TestMetricsDrillDown : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void windowIsTheBucketInsideTheRange()
    {
        const MetricsSeries r = chart(Dimension::None);
        MetricsDrillDown d = metricsDrillDown(r, 0, 0);
        QCOMPARE(*d.filter.fromNs, 150); // clipped to the query's start
        QCOMPARE(*d.filter.toNs, 200);
        d = metricsDrillDown(r, 2, 0);
        QCOMPARE(*d.filter.fromNs, 300);
        QCOMPARE(*d.filter.toNs, 350);
        QCOMPARE(d.filter.sourceIds, (QList<qint64> { 1, 2 }));
        QVERIFY(d.exact);
        d = metricsDrillDown(r, 99, -1); // out of range: the whole query
        QCOMPARE(*d.filter.fromNs, 150);
        QCOMPARE(*d.filter.toNs, 350);
    }

    void groupValuesMapToFilterFields()
    {
        QCOMPARE(metricsDrillDown(chart(Dimension::Model), 1, 0).filter.model, QStringLiteral("a"));
        QCOMPARE(metricsDrillDown(chart(Dimension::TraceName), 1, 0).filter.name, QStringLiteral("a"));
        QCOMPARE(metricsDrillDown(chart(Dimension::User), 1, 0).filter.userId, QStringLiteral("a"));
        QCOMPARE(metricsDrillDown(chart(Dimension::Environment), 1, 0).filter.environments,
            QStringList { QStringLiteral("a") });
        QCOMPARE(
            metricsDrillDown(chart(Dimension::Tag), 1, 0).filter.tags, QStringList { QStringLiteral("a") });
        QCOMPARE(metricsDrillDown(chart(Dimension::Source), 1, 2).filter.sourceIds, QList<qint64> { 7 });
        const MetricsDrillDown d = metricsDrillDown(chart(Dimension::Model), 1, 0);
        QVERIFY(d.description.startsWith(QStringLiteral("a · ")));
    }

    void otherAndNoneAreNotExact()
    {
        MetricsDrillDown d = metricsDrillDown(chart(Dimension::Model), 1, 3);
        QVERIFY(!d.exact);
        QVERIFY(d.filter.model.isEmpty());
        d = metricsDrillDown(chart(Dimension::User), 1, 1);
        QVERIFY(!d.exact);
        QVERIFY(d.filter.userId.isEmpty());
    }

    void queryFiltersAndErrorsCarryOver()
    {
        MetricsSeries r = chart(Dimension::None, Measure::ErrorRate);
        r.query.filter.environments = { QStringLiteral("production"), QStringLiteral("staging") };
        r.query.filter.models = { QStringLiteral("gpt-4o") };
        r.query.filter.tags = { QStringLiteral("x"), QStringLiteral("y") }; // any-of: not expressible
        const MetricsDrillDown d = metricsDrillDown(r, 1, 0);
        QCOMPARE(d.filter.minLevel, std::optional<Level>(Level::Error));
        QCOMPARE(d.filter.environments.size(), 2);
        QCOMPARE(d.filter.model, QStringLiteral("gpt-4o"));
        QVERIFY(d.filter.tags.isEmpty());
        QVERIFY(!d.exact);
        QVERIFY(d.description.contains(QLatin1String("with errors")));
    }
};

QTEST_GUILESS_MAIN(TestMetricsDrillDown)
#include "tst_metricsdrilldown.moc"
