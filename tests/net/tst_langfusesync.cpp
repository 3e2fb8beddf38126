// LangfuseSync, RemoteTraceFetcher and LangfuseSyncManager against a fake Langfuse project
// (fakelangfuseproject.h on our own small HTTP server) and a real store: incremental sync and its
// watermark, upserts of later versions with merged metadata, the traces list paging back,
// fetch-on-open with caching and cancellation, backfill with progress and cancel, the v1
// fallback, offline and auth states.
#include "../models/storetestutil.h"
#include "fakelangfuseproject.h"
#include "fakelangfuseserver.h"
#include "langfuse/langfusesync.h"
#include "langfuse/langfusesyncmanager.h"
#include "langfuse/remotetracefetcher.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace tg;
using namespace tg::test;

namespace {

constexpr qint64 kMinuteMs = 60'000;
constexpr qint64 kDayMs = 24 * 60 * kMinuteMs;

LangfuseTransport::Options fastTransport()
{
    LangfuseTransport::Options o;
    o.retry.baseDelayMs = 10;
    o.retry.maxDelayMs = 50;
    o.retry.maxAttempts = 2;
    o.connectTimeoutMs = 2000;
    o.readTimeoutMs = 2000;
    return o;
}

} // namespace

class TestLangfuseSync : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<FakeLangfuseProject> m_project;
    std::unique_ptr<FakeLangfuseServer> m_server;
    std::unique_ptr<LangfuseTransport> m_transport;
    int m_storeNumber = 0;

    LangfuseConnection connection(const QString &id = QStringLiteral("c1")) const
    {
        LangfuseConnection c;
        c.id = id;
        c.name = QStringLiteral("staging");
        c.host = m_server->url();
        c.publicKey = m_project->publicKey;
        c.lookbackDays = 7;
        c.syncIntervalMinutes = 5;
        return c;
    }

    std::unique_ptr<LangfuseSync> makeSync(LangfuseConnection c, bool autoSync = true, QString secret = {})
    {
        LangfuseSync::Options o;
        o.autoSync = autoSync;
        o.offlineRetryMs = 200;
        o.emptyWindowsToStop = 2;
        return std::make_unique<LangfuseSync>(
            m_store.get(), m_transport.get(), c, secret.isNull() ? m_project->secretKey : secret, o);
    }

    void waitForSource(LangfuseSync &sync)
    {
        QTRY_VERIFY_WITH_TIMEOUT(sync.sourceId() > 0 && !sync.project().id.isEmpty(), 10'000);
    }

    std::vector<TraceRow> traces(qint64 sourceId)
    {
        ReaderLease reader = m_store->reader();
        TraceQuery q;
        q.filter.sourceIds = { sourceId };
        return reader->traces(q, 0, 100'000);
    }

    qint64 observationCount(qint64 sourceId)
    {
        qint64 n = 0;
        for (const TraceRow &t : traces(sourceId))
            n += t.observationCount;
        return n;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
    }

    void init()
    {
        StoreOptions options;
        options.path = m_dir.filePath(QStringLiteral("sync-%1.db").arg(++m_storeNumber));
        options.fullTextIndex = false;
        QString error;
        m_store = TraceStore::open(options, &error);
        QVERIFY2(m_store, qPrintable(error));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        // 40 traces in the last two days, 5 older than the 7-day lookback.
        m_project = std::make_unique<FakeLangfuseProject>(
            FakeLangfuseProject::generate(45, 4, now - 10 * kMinuteMs, 72 * kMinuteMs, 120));
        for (size_t i = 40; i < m_project->traces.size(); ++i) {
            const qint64 shift = 10 * kDayMs;
            m_project->traces[i].startMs -= shift;
            for (FakeObservation &o : m_project->traces[i].observations) {
                o.startMs -= shift;
                o.endMs -= shift;
            }
            for (FakeScore &s : m_project->traces[i].scores)
                s.timestampMs -= shift;
        }
        m_project->reindex();
        m_server = std::make_unique<FakeLangfuseServer>(m_project->handler());
        QVERIFY(m_server->isListening());
        m_transport = std::make_unique<LangfuseTransport>(fastTransport());
    }

    void cleanup()
    {
        m_transport.reset();
        m_server.reset();
        m_store.reset();
    }

    void incrementalSyncAndWatermark()
    {
        auto sync = makeSync(connection());
        QSignalSpy finished(sync.get(), &LangfuseSync::syncFinished);
        sync->start();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 15'000);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QCOMPARE(sync->state(), LangfuseSync::State::Idle);
        QVERIFY(sync->stateText().startsWith(QLatin1String("synced")));

        // One source per connection and project, no secret in its detail.
        ReaderLease reader = m_store->reader();
        const std::optional<Source> source = reader->source(sync->sourceId());
        QVERIFY(source);
        QCOMPARE(source->kind, SourceKind::Langfuse);
        QCOMPARE(source->key, QStringLiteral("langfuse:c1/proj-1"));
        QCOMPARE(source->name, QStringLiteral("staging / Demo project"));
        const QJsonObject detail = QJsonDocument::fromJson(source->detail.toUtf8()).object();
        QCOMPARE(detail.value(QLatin1String("host")).toString(), m_server->url());
        QCOMPARE(detail.value(QLatin1String("projectId")).toString(), QStringLiteral("proj-1"));
        QVERIFY(!source->detail.contains(m_project->secretKey));
        reader.reset();

        // The 40 traces in the lookback, with their observations and scores; not the older 5.
        const std::vector<TraceRow> rows = traces(sync->sourceId());
        QCOMPARE(rows.size(), size_t(40));
        for (const TraceRow &t : rows) {
            QCOMPARE(t.observationCount, 4);
            QVERIFY(!t.name.isEmpty());
            QVERIFY(!t.userId.isEmpty());
        }
        ReaderLease r2 = m_store->reader();
        QCOMPARE(r2->scoresForTrace(sync->sourceId(), rows[0].id).size(), size_t(1));

        // Watermark kept in the store, and the next sync starts there (minus the overlap).
        const QDateTime watermark = QDateTime::fromString(
            r2->syncState(sync->sourceId(), QStringLiteral("watermark")), Qt::ISODateWithMs);
        r2.reset();
        QVERIFY(watermark.isValid());
        QVERIFY(qAbs(watermark.msecsTo(QDateTime::currentDateTimeUtc())) < 60'000);
        QCOMPARE(sync->watermark(), watermark);
        m_server->clearRequests();
        sync->syncNow();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, 15'000);
        const FakeRequest second
            = m_server->requestsTo(QStringLiteral("/api/public/v2/observations")).value(0);
        const QDateTime from
            = QDateTime::fromString(second.param(QStringLiteral("fromStartTime")), Qt::ISODateWithMs);
        QVERIFY(from.isValid());
        QVERIFY2(qAbs(from.msecsTo(watermark.addSecs(-15 * 60))) < 2000,
            qPrintable(from.toString(Qt::ISODateWithMs)));

        // A new run picks the watermark up from the store.
        auto again = makeSync(connection(), false);
        again->start();
        waitForSource(*again);
        QTRY_VERIFY(again->watermark().isValid());
        QVERIFY(again->watermark() >= watermark);
    }

    void laterVersionsReplaceEarlier()
    {
        auto sync = makeSync(connection());
        QSignalSpy finished(sync.get(), &LangfuseSync::syncFinished);
        sync->start();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 15'000);
        // Incremental sync re-reads what started since the watermark minus the overlap: the
        // newest trace (10 minutes old) is in it.
        FakeTrace &trace = m_project->traces[0];
        FakeObservation &o = trace.observations[1];
        o.name = QStringLiteral("renamed-call");
        o.endMs += 5000;
        o.metadata = QJsonObject { { QStringLiteral("retry"), true } };
        m_project->reindex();
        sync->syncNow();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, 15'000);
        QVERIFY(finished.at(1).at(0).toBool());
        ReaderLease reader = m_store->reader();
        const std::optional<TraceRow> row = reader->traceById(sync->sourceId(), trace.id);
        QVERIFY(row);
        QCOMPARE(row->observationCount, 4); // replaced, not duplicated
        const std::vector<ObservationRow> obs = reader->observations(row->rk);
        const auto it
            = std::find_if(obs.begin(), obs.end(), [&](const ObservationRow &r) { return r.id == o.id; });
        QVERIFY(it != obs.end());
        QCOMPARE(it->name, QStringLiteral("renamed-call"));
        QCOMPARE(it->endNs, o.endMs * 1'000'000);
        const std::optional<ObservationDetail> detail = reader->observationDetail(it->rk);
        const QJsonObject metadata = QJsonDocument::fromJson(detail->metadata).object();
        QCOMPARE(metadata.value(QLatin1String("retry")).toBool(), true); // the new key
        QCOMPARE(metadata.value(QLatin1String("step")).toInt(), 1); // the old key, merged
    }

    void legacyServer()
    {
        m_project->legacyOnly = true;
        auto sync = makeSync(connection());
        QSignalSpy finished(sync.get(), &LangfuseSync::syncFinished);
        sync->start();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 15'000);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        const std::vector<TraceRow> rows = traces(sync->sourceId());
        QCOMPARE(rows.size(), size_t(40));
        for (const TraceRow &t : rows) {
            QCOMPARE(t.observationCount, 4);
            QVERIFY(t.name.startsWith(QLatin1String("agent-run"))); // from GET /traces
        }
        QVERIFY(!m_server->requestsTo(QStringLiteral("/api/public/observations")).isEmpty());
        QVERIFY(!m_server->requestsTo(QStringLiteral("/api/public/traces")).isEmpty());
        QVERIFY(!m_server->requestsTo(QStringLiteral("/api/public/v2/scores")).isEmpty());
        QCOMPARE(m_server->requestsTo(QStringLiteral("/api/public/v2/observations")).size(), 1); // tried once
    }

    void fetchOnOpenAndCache()
    {
        LangfuseConnection c = connection();
        c.syncObservations = false; // traces only: observations come when a trace is opened
        auto sync = makeSync(c);
        sync->client()->setObservationPageSize(3); // several cursor pages per trace
        QSignalSpy finished(sync.get(), &LangfuseSync::syncFinished);
        sync->start();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 15'000);
        QCOMPARE(traces(sync->sourceId()).size(), size_t(40));
        QCOMPARE(observationCount(sync->sourceId()), 0);

        const std::optional<TraceRow> row
            = m_store->reader()->traceById(sync->sourceId(), m_project->traces[5].id);
        QVERIFY(row);
        bool done = false;
        bool ok = false;
        QString message;
        m_server->clearRequests();
        sync->fetchTrace(row->id, nullptr, [&](bool success, const QString &text) {
            done = true;
            ok = success;
            message = text;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10'000);
        QVERIFY2(ok, qPrintable(message));
        QCOMPARE(m_server->requestsTo(QStringLiteral("/api/public/v2/observations")).size(), 2); // 3 + 1
        QCOMPARE(m_server->requestsTo(QStringLiteral("/api/public/v3/scores")).size(), 1);
        QVERIFY(m_server->requestsTo(QStringLiteral("/api/public/v2/observations"))
                    .value(0)
                    .param(QStringLiteral("traceId"))
            == row->id);
        QTRY_COMPARE(m_store->reader()->trace(row->rk)->observationCount, 4);
    }

    void fetcherServesCacheAndCancels()
    {
        QSettings().remove(QStringLiteral("test-sync-manager"));
        LangfuseSyncManager::Options options;
        options.registry.settingsGroup = QStringLiteral("test-sync-manager");
        options.registry.credentialService = QStringLiteral("Traceglass tests");
        options.registry.offerEnvironment = false;
        options.transport = fastTransport();
        options.sync.autoSync = false;
        LangfuseSyncManager manager(m_store.get(), options);
        manager.fetcher()->setDebounceMs(10);
        manager.start();
        LangfuseConnection c = connection();
        c.id.clear();
        bool saved = false;
        manager.registry()->save(c, m_project->secretKey, nullptr, [&](bool ok, const QString &m) {
            QVERIFY2(ok, qPrintable(m));
            saved = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(saved, 20'000);
        QTRY_COMPARE(manager.syncs().size(), 1);
        LangfuseSync *sync = manager.syncs().first();
        QTRY_VERIFY_WITH_TIMEOUT(sync->sourceId() > 0 && !sync->project().id.isEmpty(), 10'000);
        QCOMPARE(manager.syncForSource(sync->sourceId()), sync);
        QVERIFY(!manager.summaryText().isEmpty());

        // The traces list pages in (no observations yet).
        QSignalSpy listed(sync, &LangfuseSync::tracesListed);
        sync->client()->setTracePageSize(10);
        sync->loadMoreTraces();
        QTRY_COMPARE_WITH_TIMEOUT(listed.count(), 1, 10'000);
        QCOMPARE(listed.at(0).at(0).toInt(), 10);
        QCOMPARE(traces(sync->sourceId()).size(), size_t(10));
        QCOMPARE(observationCount(sync->sourceId()), 0);

        RemoteTraceFetcher *fetcher = manager.fetcher();
        QSignalSpy started(fetcher, &RemoteTraceFetcher::fetchStarted);
        QSignalSpy fetched(fetcher, &RemoteTraceFetcher::fetchFinished);
        QSignalSpy cached(fetcher, &RemoteTraceFetcher::servedFromCache);
        const std::vector<TraceRow> rows = traces(sync->sourceId());
        const TraceRow a = rows[0];
        const TraceRow b = rows[1];

        // A slow server: opening A, then moving to B cancels A's download.
        m_server->setHandler([this](const FakeRequest &r) {
            FakeResponse resp = m_project->handle(r);
            if (r.path.contains(QLatin1String("observations")))
                resp.delayMs = 300;
            return resp;
        });
        m_server->clearRequests();
        fetcher->traceOpened(a.rk);
        QTRY_COMPARE(started.count(), 1);
        fetcher->traceOpened(b.rk);
        QTRY_COMPARE_WITH_TIMEOUT(fetched.count(), 1, 10'000);
        QCOMPARE(fetched.at(0).at(0).toLongLong(), b.rk);
        QVERIFY(fetched.at(0).at(1).toBool());
        QTRY_COMPARE(m_store->reader()->trace(b.rk)->observationCount, 4);
        QTest::qWait(500);
        QCOMPARE(m_store->reader()->trace(a.rk)->observationCount, 0); // cancelled: nothing half-written
        QCOMPARE(fetched.count(), 1);

        // Opening B again costs no request.
        m_server->clearRequests();
        fetcher->traceOpened(0);
        fetcher->traceOpened(b.rk);
        QTRY_COMPARE(cached.count(), 1);
        QCOMPARE(m_server->requestCount(), 0);
        // Refresh asks again.
        fetcher->refresh(b.rk);
        QTRY_COMPARE_WITH_TIMEOUT(fetched.count(), 2, 10'000);
        QVERIFY(m_server->requestCount() > 0);

        // Sessions: fetched once per run.
        QSignalSpy sessions(sync, &LangfuseSync::sessionFetched);
        m_server->clearRequests();
        sync->fetchSession(a.sessionId);
        QTRY_COMPARE_WITH_TIMEOUT(sessions.count(), 1, 10'000);
        QVERIFY(sessions.at(0).at(1).toBool());
        QVERIFY(m_server->requestCount() > 0);
        m_server->clearRequests();
        sync->fetchSession(a.sessionId);
        QTest::qWait(100);
        QCOMPARE(m_server->requestCount(), 0);

        // Removing the connection with its data removes the source.
        const qint64 sourceId = sync->sourceId();
        bool removed = false;
        manager.removeConnection(manager.registry()->savedConnections().value(0).id, true, nullptr,
            [&](bool ok, const QString &) { removed = ok; });
        QTRY_VERIFY_WITH_TIMEOUT(removed, 10'000);
        QCOMPARE(manager.syncs().size(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!m_store->reader()->source(sourceId).has_value(), 10'000);
        QSettings().remove(QStringLiteral("test-sync-manager"));
    }

    void listPagingWalksBack()
    {
        auto sync = makeSync(connection(), false);
        sync->client()->setTracePageSize(25);
        sync->start();
        waitForSource(*sync);
        QSignalSpy listed(sync.get(), &LangfuseSync::tracesListed);
        sync->loadMoreTraces();
        QTRY_COMPARE_WITH_TIMEOUT(listed.count(), 1, 10'000);
        QCOMPARE(listed.at(0).at(0).toInt(), 25);
        sync->loadMoreTraces();
        QTRY_COMPARE_WITH_TIMEOUT(listed.count(), 2, 10'000);
        QCOMPARE(listed.at(1).at(0).toInt(), 15); // the rest of the 7-day window
        // Next: the window before, where the 5 old traces are.
        sync->loadMoreTraces();
        QTRY_VERIFY_WITH_TIMEOUT(listed.count() >= 3 && listed.last().at(0).toInt() > 0, 10'000);
        QCOMPARE(listed.last().at(0).toInt(), 5);
        QCOMPARE(traces(sync->sourceId()).size(), size_t(45));
        // Then nothing: after two empty windows it stops asking.
        sync->loadMoreTraces();
        QTRY_VERIFY_WITH_TIMEOUT(sync->tracesListExhausted(), 10'000);
        const int requests = m_server->requestCount();
        sync->loadMoreTraces();
        QTest::qWait(100);
        QCOMPARE(m_server->requestCount(), requests);
        // Every listing carried a window.
        for (const FakeRequest &r : m_server->requestsTo(QStringLiteral("/api/public/v2/observations"))) {
            QVERIFY(!r.param(QStringLiteral("fromStartTime")).isEmpty());
            QVERIFY(!r.param(QStringLiteral("toStartTime")).isEmpty());
            QCOMPARE(r.param(QStringLiteral("isRootObservation")), QStringLiteral("true"));
        }
    }

    void listPagingStartsWhereSyncEnded()
    {
        auto sync = makeSync(connection());
        QSignalSpy finished(sync.get(), &LangfuseSync::syncFinished);
        sync->start();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 15'000);
        const QDateTime covered = QDateTime::fromString(
            m_store->reader()->syncState(sync->sourceId(), QStringLiteral("coveredFrom")), Qt::ISODateWithMs);
        QVERIFY(covered.isValid());
        QVERIFY(qAbs(covered.msecsTo(QDateTime::currentDateTimeUtc().addDays(-7))) < 60'000);
        // The 40 recent traces are synced; the list asks only for what lies before them.
        m_server->clearRequests();
        QSignalSpy listed(sync.get(), &LangfuseSync::tracesListed);
        sync->loadMoreTraces();
        QTRY_VERIFY_WITH_TIMEOUT(!listed.isEmpty() && listed.last().at(0).toInt() > 0, 10'000);
        QCOMPARE(listed.last().at(0).toInt(), 5);
        const FakeRequest first
            = m_server->requestsTo(QStringLiteral("/api/public/v2/observations")).value(0);
        QCOMPARE(
            QDateTime::fromString(first.param(QStringLiteral("toStartTime")), Qt::ISODateWithMs), covered);
        QCOMPARE(traces(sync->sourceId()).size(), size_t(45));
    }

    void backfillProgressAndCancel()
    {
        auto sync = makeSync(connection(), false);
        sync->client()->setObservationPageSize(20);
        sync->start();
        waitForSource(*sync);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QSignalSpy progress(sync.get(), &LangfuseSync::backfillProgressed);
        QSignalSpy done(sync.get(), &LangfuseSync::backfillFinished);
        sync->backfill({ now.addDays(-30), now });
        QVERIFY(sync->isBackfilling());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20'000);
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(2).toString()));
        QVERIFY(!done.at(0).at(1).toBool());
        QVERIFY(progress.count() >= 9); // 180 observations / 20 per page, plus scores
        double last = 0;
        for (const QList<QVariant> &p : progress) {
            QVERIFY(p.at(0).toDouble() >= last - 1e-9);
            last = p.at(0).toDouble();
        }
        QVERIFY(last > 0.9);
        QCOMPARE(traces(sync->sourceId()).size(), size_t(45));
        QCOMPARE(observationCount(sync->sourceId()), 180);

        // Cancel: a slow server, stopped after the first page; what arrived stays.
        m_server->setHandler([this](const FakeRequest &r) {
            FakeResponse resp = m_project->handle(r);
            resp.delayMs = 150;
            return resp;
        });
        progress.clear();
        done.clear();
        sync->backfill({ now.addDays(-30), now });
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 1, 10'000);
        sync->cancelBackfill();
        QCOMPARE(done.count(), 1);
        QVERIFY(done.at(0).at(1).toBool()); // cancelled
        QVERIFY(!sync->isBackfilling());
        const int requests = m_server->requestCount();
        QTest::qWait(500);
        QVERIFY(m_server->requestCount() <= requests + 1); // at most the one already on the wire
    }

    void offlineThenBack()
    {
        auto sync = makeSync(connection());
        QSignalSpy finished(sync.get(), &LangfuseSync::syncFinished);
        sync->start();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 15'000);
        const qint64 cachedTraces = qint64(traces(sync->sourceId()).size());
        // The host goes away.
        m_server->setHandler([](const FakeRequest &) {
            FakeResponse r;
            r.behaviour = FakeResponse::Behaviour::Reset;
            return r;
        });
        sync->syncNow();
        QTRY_COMPARE_WITH_TIMEOUT(sync->state(), LangfuseSync::State::Offline, 15'000);
        QVERIFY(sync->stateText().contains(QLatin1String("offline")));
        QVERIFY(sync->lastError().isOffline());
        QCOMPARE(qint64(traces(sync->sourceId()).size()), cachedTraces); // still browsable
        // It comes back: the offline retry (200 ms here) finds it.
        m_server->setHandler(m_project->handler());
        QTRY_COMPARE_WITH_TIMEOUT(sync->state(), LangfuseSync::State::Idle, 15'000);
    }

    void authFailureStops()
    {
        auto sync = makeSync(connection(), true, QStringLiteral("sk-lf-wrong"));
        QSignalSpy states(sync.get(), &LangfuseSync::stateChanged);
        sync->start();
        QTRY_COMPARE_WITH_TIMEOUT(sync->state(), LangfuseSync::State::AuthFailed, 10'000);
        QVERIFY(sync->stateText().contains(QLatin1String("401")));
        QVERIFY(!sync->stateText().contains(QLatin1String("sk-lf-wrong")));
        const int requests = m_server->requestCount();
        QTest::qWait(600);
        QCOMPARE(m_server->requestCount(), requests); // no retry loop against wrong keys

        auto noSecret = makeSync(connection(QStringLiteral("c2")), true, QStringLiteral(""));
        noSecret->start();
        QCOMPARE(noSecret->state(), LangfuseSync::State::NoSecret);
        QVERIFY(noSecret->lastError().message.contains(QLatin1String("secret key")));
    }
};

QTEST_GUILESS_MAIN(TestLangfuseSync)
#include "tst_langfusesync.moc"
