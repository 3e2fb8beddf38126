// Contract test: metrics-API v2 requests built by MetricsApiQuery and sent by
// HttpMetricsTransport, validated by Prism (@stoplight/prism-cli, tests/integration/node_modules)
// serving ../shared/langfuse/openapi.yml with --errors: every request must pass validation (no
// 422, no sl-violations header) and every answer must parse. A deliberately broken request
// checks that the mock really validates.
#include "httpmetricstransport.h"
#include "metrics/metricsapiquery.h"
#include "metrics/metricsprovider.h"
#include "store/tracestore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace tg;

namespace {

const QString kSpec = QStringLiteral(TRACEGLASS_SOURCE_DIR "/../shared/langfuse/openapi.yml");
const QString kPrism = QStringLiteral(TRACEGLASS_SOURCE_DIR "/tests/integration/node_modules/.bin/prism");
constexpr qint64 kS = 1'000'000'000LL;
const qint64 kFrom = 1'780'185'600LL * kS;

QByteArray header(const MetricsFetchResult &r, const QByteArray &name)
{
    for (const auto &[key, value] : r.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool hasHeader(const MetricsFetchResult &r, const QByteArray &name)
{
    for (const auto &h : r.headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

class TestMetricsContract : public QObject
{
    Q_OBJECT

    QProcess m_prism;
    QByteArray m_log;
    QUrl m_host;
    QNetworkAccessManager m_network;

    MetricsFetchResult fetch(HttpMetricsTransport &transport, const QByteArray &query)
    {
        std::optional<MetricsFetchResult> result;
        transport.fetch(query, [&](const MetricsFetchResult &r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30'000))
            qWarning("no answer from prism");
        return result.value_or(MetricsFetchResult {});
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFile::exists(kSpec))
            QSKIP(qPrintable(QStringLiteral("the Langfuse OpenAPI document is not at %1").arg(kSpec)));
        if (!QFile::exists(kPrism))
            QSKIP("Prism is not installed: run npm ci in tests/integration");
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        m_host = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        m_prism.setProcessChannelMode(QProcess::MergedChannels);
        connect(&m_prism, &QProcess::readyRead, this, [this] { m_log += m_prism.readAll(); });
        m_prism.start(kPrism,
            { QStringLiteral("mock"), QStringLiteral("--errors"), QStringLiteral("-h"),
                QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(port), kSpec });
        QVERIFY2(m_prism.waitForStarted(20'000), qPrintable(m_prism.errorString()));
        QElapsedTimer timer;
        timer.start();
        bool up = false;
        while (!up && timer.elapsed() < 120'000 && m_prism.state() == QProcess::Running) {
            QTest::qWait(250);
            up = m_log.contains("Prism is listening");
        }
        QVERIFY2(up, m_log.right(2000).constData());
    }

    void cleanupTestCase()
    {
        if (m_prism.state() != QProcess::NotRunning) {
            m_prism.terminate();
            if (!m_prism.waitForFinished(5'000))
                m_prism.kill();
        }
    }

    void everyChartShapeValidates_data()
    {
        QTest::addColumn<int>("measure");
        QTest::addColumn<int>("groupBy");
        QTest::addColumn<int>("granularity");
        QTest::addRow("cost by model per day")
            << int(Measure::Cost) << int(Dimension::Model) << int(Granularity::Day);
        QTest::addRow("cost by trace name per hour")
            << int(Measure::Cost) << int(Dimension::TraceName) << int(Granularity::Hour);
        QTest::addRow("tokens per minute")
            << int(Measure::Tokens) << int(Dimension::None) << int(Granularity::Minute);
        QTest::addRow("latency percentiles per week")
            << int(Measure::Latency) << int(Dimension::None) << int(Granularity::Week);
        QTest::addRow("p95 by environment")
            << int(Measure::Latency) << int(Dimension::Environment) << int(Granularity::Day);
        QTest::addRow("traces by tag, total")
            << int(Measure::TraceCount) << int(Dimension::Tag) << int(Granularity::Total);
        QTest::addRow("errors per day")
            << int(Measure::ErrorCount) << int(Dimension::None) << int(Granularity::Day);
        QTest::addRow("error rate by model")
            << int(Measure::ErrorRate) << int(Dimension::Model) << int(Granularity::Day);
    }

    void everyChartShapeValidates()
    {
        QFETCH(int, measure);
        QFETCH(int, groupBy);
        QFETCH(int, granularity);
        MetricsQuery q;
        q.fromNs = kFrom;
        q.toNs = kFrom + 2 * 86'400 * kS;
        q.measure = static_cast<Measure>(measure);
        q.groupBy = static_cast<Dimension>(groupBy);
        q.granularity = static_cast<Granularity>(granularity);
        q.latencyScope = LatencyScope::Generations;
        q.filter.environments = { QStringLiteral("production") };
        q.filter.tags = { QStringLiteral("beta") };
        q.timeZone = "UTC";
        const auto buckets = TimeBuckets::forQuery(q);
        QVERIFY(buckets);
        const auto object = MetricsApiQuery::build(q, buckets->granularity());
        QVERIFY(object);
        HttpMetricsTransport transport(
            &m_network, m_host, QStringLiteral("pk-lf-test"), QStringLiteral("sk-lf-test"));
        const MetricsFetchResult r = fetch(transport, MetricsApiQuery::toText(*object));
        QVERIFY2(r.status == 200,
            qPrintable(QStringLiteral("HTTP %1: %2 %3")
                           .arg(r.status)
                           .arg(QString::fromUtf8(r.body), QString::fromUtf8(header(r, "sl-violations")))));
        QVERIFY2(!hasHeader(r, "sl-violations"), header(r, "sl-violations").constData());
        const MetricsSeries series = MetricsApiQuery::parse(r.body, q, *buckets);
        QVERIFY2(series.error.isEmpty(), qPrintable(series.error + u' ' + QString::fromUtf8(r.body)));
    }

    void theMockRejectsABrokenRequest()
    {
        // No query parameter at all: Prism must flag it, or the test above proves nothing.
        QNetworkRequest request(QUrl(m_host.toString() + QStringLiteral("/api/public/v2/metrics")));
        request.setRawHeader("Authorization", "Basic " + QByteArray("pk:sk").toBase64());
        QNetworkReply *reply = m_network.get(request);
        QVERIFY(QTest::qWaitFor([reply] { return reply->isFinished(); }, 30'000));
        reply->deleteLater();
        // Prism answers a validation failure with the spec's 400 (or 422 where none is declared).
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        QVERIFY2(status == 400 || status == 422, qPrintable(QString::number(status)));
        QVERIFY(reply->hasRawHeader("sl-violations"));
    }

    void providerGetsARemoteAnswer()
    {
        QTemporaryDir dir;
        StoreOptions options;
        options.path = dir.filePath(QStringLiteral("c.db"));
        options.fullTextIndex = false;
        QString error;
        auto store = TraceStore::open(options, &error);
        QVERIFY2(store, qPrintable(error));
        store->ensureSource(
            SourceKind::Langfuse, QStringLiteral("langfuse:prism/p"), QStringLiteral("Prism"));
        MetricsProvider provider(store->readerPool());
        provider.setTransportFactory([this](const Source &) {
            return std::make_shared<HttpMetricsTransport>(
                &m_network, m_host, QStringLiteral("pk-lf-test"), QStringLiteral("sk-lf-test"));
        });
        MetricsQuery q;
        q.fromNs = kFrom;
        q.toNs = kFrom + 86'400 * kS;
        q.granularity = Granularity::Hour;
        q.groupBy = Dimension::Model;
        std::optional<MetricsSeries> result;
        provider.request(q, [&](const MetricsSeries &r) { result = r; });
        QVERIFY(QTest::qWaitFor([&] { return result.has_value(); }, 30'000));
        QVERIFY2(result->error.isEmpty(), qPrintable(result->error));
        QCOMPARE(result->origin, MetricsOrigin::Remote);
        QCOMPARE(result->bucketCount(), 24);
    }
};

QTEST_GUILESS_MAIN(TestMetricsContract)
#include "tst_metricscontract.moc"
