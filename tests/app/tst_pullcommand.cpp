// `traceglass pull` as a process against a fake Langfuse public API: a saved connection with its
// secret in the keychain (or an environment variable, or the LANGFUSE_* offer), v2 observations
// paged by cursor, the legacy v1 lists of self-hosted v3, rate limits, refused keys, an unknown
// connection (exit 2) and a host nobody listens on (exit 4).
//
// The fake is hand-written on our own HttpServer rather than the OpenAPI mock (prism): a pull needs
// consistent, linked data across calls (pages that continue by cursor, observations of the same
// traces, scores naming them) and failures on cue, which a schema-driven mock cannot serve.
#include "commandtestutil.h"
#include "credentialstore.h"
#include "http/httpserver.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>
#include <QUuid>

#include <atomic>
#include <mutex>

using namespace tg;
using namespace tg::test;

namespace {

constexpr int kTraces = 5; ///< each a root and one generation
constexpr int kPageSize = 4; ///< v2 observations per page, so pages end mid-trace

class FakeLangfuseApi
{
public:
    std::atomic<bool> legacy { false }; ///< no /v2/observations and /v3/scores, as self-hosted v3
    std::atomic<int> rateLimited { 0 }; ///< answer this many requests 429 first
    QByteArray secret = "sk-lf-test";

    FakeLangfuseApi()
        : m_server({},
            [this](HttpRequest &&request, HttpResponder responder) { responder.respond(handle(request)); })
    {
        const QString start = QDateTime::currentDateTimeUtc().addSecs(-3600).toString(Qt::ISODateWithMs);
        for (int t = 0; t < kTraces; ++t) {
            const QString traceId = QStringLiteral("feed%1").arg(t).leftJustified(32, u'0');
            const QString root = QStringLiteral("a%1").arg(t).leftJustified(16, u'0');
            m_observations.append(QJsonObject { { "id", root }, { "traceId", traceId }, { "type", "AGENT" },
                { "name", "agent" }, { "startTime", start }, { "endTime", start },
                { "projectId", "proj-cli" }, { "parentObservationId", QJsonValue() },
                { "isRootObservation", true }, { "traceName", QStringLiteral("pulled %1").arg(t) },
                { "userId", "u-pull" }, { "sessionId", "s-pull" }, { "tags", QJsonArray { "pulled" } },
                { "environment", "production" }, { "input", "\"question\"" }, { "output", "\"answer\"" },
                { "level", "DEFAULT" } });
            m_observations.append(QJsonObject {
                { "id", QStringLiteral("b%1").arg(t).leftJustified(16, u'0') }, { "traceId", traceId },
                { "type", "GENERATION" }, { "name", "chat" }, { "startTime", start }, { "endTime", start },
                { "projectId", "proj-cli" }, { "parentObservationId", root }, { "isRootObservation", false },
                { "providedModelName", "gpt-4o-mini" }, { "level", "DEFAULT" } });
            m_traces.append(QJsonObject { { "id", traceId }, { "name", QStringLiteral("pulled %1").arg(t) },
                { "timestamp", start }, { "userId", "u-pull" }, { "sessionId", "s-pull" },
                { "tags", QJsonArray { "pulled" } }, { "environment", "production" }, { "input", "question" },
                { "output", "answer" }, { "projectId", "proj-cli" } });
            if (t < 3)
                m_scores.append(QJsonObject { { "id", QStringLiteral("score-%1").arg(t) },
                    { "traceId", traceId }, { "name", "accuracy" }, { "value", 0.5 + t / 10.0 },
                    { "dataType", "NUMERIC" }, { "source", "API" }, { "timestamp", start },
                    { "subject", QJsonObject { { "kind", "trace" }, { "id", traceId } } } });
        }
    }

    bool listen()
    {
        QString error;
        const bool ok = m_server.listen(QHostAddress::LocalHost, 0, &error);
        if (!ok)
            qWarning("fake Langfuse cannot listen: %s", qPrintable(error));
        return ok;
    }
    QString host() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_server.port()); }

    QList<QByteArray> requests() const
    {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }
    QList<QByteArray> requestsTo(const QByteArray &path) const
    {
        QList<QByteArray> out;
        for (const QByteArray &target : requests()) {
            if (target.startsWith(QByteArray(path + '?')) || target == path)
                out << target;
        }
        return out;
    }
    void reset()
    {
        std::lock_guard lock(m_mutex);
        m_requests.clear();
        legacy = false;
        rateLimited = 0;
    }

private:
    static HttpResponse json(const QJsonObject &object)
    {
        return HttpResponse::json(200, QJsonDocument(object).toJson(QJsonDocument::Compact));
    }
    static QJsonObject pageMeta(int page, int limit, int total)
    {
        return QJsonObject { { "page", page }, { "limit", limit }, { "totalItems", total },
            { "totalPages", (total + limit - 1) / limit } };
    }

    HttpResponse handle(const HttpRequest &request)
    {
        std::lock_guard lock(m_mutex);
        m_requests << request.target;
        const QByteArray authorization = request.header("authorization");
        if (authorization != "Basic " + QByteArray("pk-lf-test:" + secret).toBase64()
            && authorization != "Basic " + QByteArray("pk-lf-env:" + secret).toBase64())
            return HttpResponse::json(401, R"({"message":"Invalid credentials"})");
        if (rateLimited > 0) {
            --rateLimited;
            HttpResponse response = HttpResponse::json(429, R"({"message":"Rate limit exceeded"})");
            response.headers.append({ QByteArray("Retry-After"), QByteArray("0") });
            return response;
        }
        const QUrlQuery query(QString::fromUtf8(request.query));
        const QByteArray &path = request.path;
        if (path == "/api/public/projects")
            return json({ { "data",
                QJsonArray { QJsonObject { { "id", "proj-cli" }, { "name", "CLI project" } } } } });
        if (path == "/api/public/v2/observations" && !legacy) {
            const int from = query.queryItemValue(QStringLiteral("cursor")).toInt();
            QJsonObject meta;
            if (from + kPageSize < m_observations.size())
                meta.insert("cursor", QString::number(from + kPageSize));
            return json(
                { { "data",
                      QJsonArray::fromVariantList(m_observations.toVariantList().mid(from, kPageSize)) },
                    { "meta", meta } });
        }
        if (path == "/api/public/v3/scores" && !legacy)
            return json({ { "data", m_scores }, { "meta", QJsonObject { { "limit", 100 } } } });
        if (path == "/api/public/traces" && legacy) {
            const int page = query.queryItemValue(QStringLiteral("page")).toInt();
            return json(
                { { "data", QJsonArray::fromVariantList(m_traces.toVariantList().mid((page - 1) * 2, 2)) },
                    { "meta", pageMeta(page, 2, int(m_traces.size())) } });
        }
        if (path == "/api/public/observations" && legacy)
            return json(
                { { "data", m_observations }, { "meta", pageMeta(1, 100, int(m_observations.size())) } });
        if (path == "/api/public/v2/scores" && legacy)
            return json({ { "data", m_scores }, { "meta", pageMeta(1, 100, int(m_scores.size())) } });
        return HttpResponse::json(404, R"({"message":"Not found"})");
    }

    mutable std::mutex m_mutex;
    QList<QByteArray> m_requests;
    QJsonArray m_observations;
    QJsonArray m_traces;
    QJsonArray m_scores;
    HttpServer m_server;
};

struct StoredCounts
{
    qint64 traces = 0;
    qint64 observations = 0;
    qint64 scores = 0;
    QString sourceKey;
    QString sourceName;
};

StoredCounts storedCounts(const QString &db)
{
    StoredCounts counts;
    StoreOptions options;
    options.path = db;
    options.fullTextIndex = false;
    auto store = TraceStore::open(options, nullptr);
    if (!store)
        return counts;
    auto reader = store->reader();
    for (const Source &source : reader->sources(true)) {
        counts.sourceKey = source.key;
        counts.sourceName = source.name;
    }
    counts.traces = reader->db().queryInt("SELECT count(*) FROM traces").value_or(-1);
    counts.observations = reader->db().queryInt("SELECT count(*) FROM observations").value_or(-1);
    counts.scores = reader->db().queryInt("SELECT count(*) FROM scores").value_or(-1);
    return counts;
}

} // namespace

class TestPullCommand : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    FakeLangfuseApi m_fake;
    QString m_connectionId;
    int m_runs = 0;

    QString newDb() { return m_dir.filePath(QStringLiteral("pull-%1.db").arg(++m_runs)); }
    CommandRun pull(const QStringList &arguments, const QProcessEnvironment &env) const
    {
        return runTraceglass(QStringList { QStringLiteral("pull") } + arguments, env, 90'000);
    }
    QProcessEnvironment withSecret(const QString &secret) const
    {
        QProcessEnvironment env = m_env;
        env.insert(QStringLiteral("TG_TEST_SECRET"), secret);
        return env;
    }
    void saveConnection(const QString &id, const QString &name, const QString &host)
    {
        // Where QSettings() of organisation and application "Traceglass" lives for the child.
        QSettings settings(
            m_dir.filePath(QStringLiteral("config/Traceglass/Traceglass.conf")), QSettings::IniFormat);
        settings.setValue(QStringLiteral("langfuse/connections/%1/name").arg(id), name);
        settings.setValue(QStringLiteral("langfuse/connections/%1/host").arg(id), host);
        settings.setValue(
            QStringLiteral("langfuse/connections/%1/publicKey").arg(id), QStringLiteral("pk-lf-test"));
        QStringList order = settings.value(QStringLiteral("langfuse/connections/order")).toStringList();
        order << id;
        settings.setValue(QStringLiteral("langfuse/connections/order"), order);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_fake.listen());
        m_env = headlessEnvironment(m_dir.filePath(QStringLiteral("config")));
        m_connectionId = QStringLiteral("tst-pull-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        saveConnection(m_connectionId, QStringLiteral("Fake Cloud"), m_fake.host());
    }

    void init() { m_fake.reset(); }

    void pullV2WithSecretFromEnvironmentVariable()
    {
        const QString db = newDb();
        const CommandRun r
            = pull({ QStringLiteral("--db"), db, QStringLiteral("--connection"), QStringLiteral("fake cloud"),
                       QStringLiteral("--secret-key-env"), QStringLiteral("TG_TEST_SECRET") },
                withSecret(QStringLiteral("sk-lf-test")));
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY2(r.outText().contains(u"Fake Cloud / CLI project: 5 traces, 10 observations, 3 scores"),
            r.describe().constData());
        const StoredCounts counts = storedCounts(db);
        QCOMPARE(counts.traces, qint64(kTraces));
        QCOMPARE(counts.observations, qint64(2 * kTraces));
        QCOMPARE(counts.scores, qint64(3));
        QCOMPARE(counts.sourceKey, QStringLiteral("langfuse:%1/proj-cli").arg(m_connectionId));
        QCOMPARE(counts.sourceName, QStringLiteral("Fake Cloud / CLI project"));

        // The window asked for is the last 24 hours, by cursor pages of v2 observations.
        const QList<QByteArray> pages = m_fake.requestsTo("/api/public/v2/observations");
        QCOMPARE(pages.size(), (2 * kTraces + kPageSize - 1) / kPageSize);
        const QUrlQuery first(QString::fromUtf8(pages.first().mid(pages.first().indexOf('?') + 1)));
        const QDateTime from
            = QDateTime::fromString(first.queryItemValue(QStringLiteral("fromStartTime")), Qt::ISODateWithMs);
        QVERIFY(qAbs(from.secsTo(QDateTime::currentDateTimeUtc().addDays(-1))) < 120);
        QVERIFY(first.queryItemValue(QStringLiteral("fields")).contains(u"io"));
        QVERIFY(pages.last().contains("cursor=8"));
        QCOMPARE(m_fake.requestsTo("/api/public/v3/scores").size(), 1);

        // Pulling again updates the same rows.
        QCOMPARE(pull({ QStringLiteral("--db"), db, QStringLiteral("--connection"), m_connectionId,
                          QStringLiteral("--quiet"), QStringLiteral("--secret-key-env"),
                          QStringLiteral("TG_TEST_SECRET") },
                     withSecret(QStringLiteral("sk-lf-test")))
                     .exitCode,
            0);
        QCOMPARE(storedCounts(db).observations, qint64(2 * kTraces));
    }

    void pullWithSecretFromKeychain()
    {
        CredentialStore credentials;
        if (credentials.probeBlocking() != CredentialStore::Status::Keychain) {
            if (qEnvironmentVariableIntValue("TRACEGLASS_REQUIRE_KEYRING") == 1)
                QFAIL("TRACEGLASS_REQUIRE_KEYRING=1, but no keychain service is on the session bus");
            QSKIP("no keychain service on the session bus; run under scripts/test or scripts/with-keyring");
        }
        const QString account = CredentialStore::langfuseAccount(m_connectionId);
        QVERIFY(credentials.writeSecretBlocking(account, QStringLiteral("sk-lf-test")).ok());
        const QString db = newDb();
        const CommandRun r
            = pull({ QStringLiteral("--db"), db, QStringLiteral("--connection"), m_connectionId }, m_env);
        credentials.removeSecretBlocking(account);
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QCOMPARE(storedCounts(db).traces, qint64(kTraces));
    }

    void pullFromLegacyHostThroughRateLimits()
    {
        m_fake.legacy = true;
        m_fake.rateLimited = 2;
        const QString db = newDb();
        const CommandRun r
            = pull({ QStringLiteral("--db"), db, QStringLiteral("--connection"), QStringLiteral("Fake Cloud"),
                       QStringLiteral("--secret-key-env"), QStringLiteral("TG_TEST_SECRET") },
                withSecret(QStringLiteral("sk-lf-test")));
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY2(r.outText().contains(u"(legacy v1 API)"), r.describe().constData());
        const StoredCounts counts = storedCounts(db);
        QCOMPARE(counts.traces, qint64(kTraces));
        QCOMPARE(counts.observations, qint64(2 * kTraces));
        QCOMPARE(counts.scores, qint64(3));
        QCOMPARE(m_fake.requestsTo("/api/public/traces").size(), 3); // pages of two
        QCOMPARE(m_fake.requestsTo("/api/public/v2/scores").size(), 1);
        QCOMPARE(m_fake.requestsTo("/api/public/projects").size(), 3); // two 429s, then the answer
    }

    void pullTheEnvironmentConnection_data()
    {
        QTest::addColumn<QString>("publicKey");
        QTest::addColumn<QString>("connectionId");
        QTest::newRow("offered") << "pk-lf-env"
                                 << "env";
        // The same host and key as a saved connection: that connection, with the environment's secret.
        QTest::newRow("saved already") << "pk-lf-test" << m_connectionId;
    }

    void pullTheEnvironmentConnection()
    {
        QFETCH(QString, publicKey);
        QFETCH(QString, connectionId);
        QProcessEnvironment env = m_env;
        env.insert(QStringLiteral("LANGFUSE_PUBLIC_KEY"), publicKey);
        env.insert(QStringLiteral("LANGFUSE_SECRET_KEY"), QStringLiteral("sk-lf-test"));
        env.insert(QStringLiteral("LANGFUSE_HOST"), m_fake.host());
        const QString db = newDb();
        const CommandRun r
            = pull({ QStringLiteral("--db"), db, QStringLiteral("--connection"), QStringLiteral("env"),
                       QStringLiteral("--since"), QStringLiteral("2h") },
                env);
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QCOMPARE(storedCounts(db).sourceKey, QStringLiteral("langfuse:%1/proj-cli").arg(connectionId));
    }

    void refusedKeys()
    {
        const QString db = newDb();
        const CommandRun r
            = pull({ QStringLiteral("--db"), db, QStringLiteral("--connection"), m_connectionId,
                       QStringLiteral("--secret-key-env"), QStringLiteral("TG_TEST_SECRET") },
                withSecret(QStringLiteral("sk-lf-wrong-secret")));
        QVERIFY2(r.exitCode == 1, r.describe().constData());
        QVERIFY2(r.errText().contains(u"HTTP 401") && r.errText().contains(u"refused the keys"),
            r.describe().constData());
        QVERIFY(!r.err.contains("sk-lf-wrong-secret") && !r.out.contains("sk-lf-wrong-secret"));
        QCOMPARE(m_fake.requests().size(), 1); // a refusal is not retried
    }

    void missingSecret()
    {
        const CommandRun r = pull(
            { QStringLiteral("--db"), newDb(), QStringLiteral("--connection"), m_connectionId }, m_env);
        QVERIFY2(r.exitCode == 1, r.describe().constData());
        QVERIFY2(r.errText().contains(u"no secret key for \"Fake Cloud\""), r.describe().constData());
        QVERIFY(m_fake.requests().isEmpty());
    }

    void unknownConnection()
    {
        const QString db = newDb();
        const CommandRun r = pull(
            { QStringLiteral("--db"), db, QStringLiteral("--connection"), QStringLiteral("staging") }, m_env);
        QVERIFY2(r.exitCode == 2, r.describe().constData());
        QVERIFY2(r.errText().contains(u"no connection \"staging\"") && r.errText().contains(u"Fake Cloud"),
            r.describe().constData());
        QVERIFY(!QFile::exists(db));
    }

    void unreachableHost()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there now
        const QString id = QStringLiteral("tst-pull-down");
        saveConnection(id, QStringLiteral("Down"), QStringLiteral("http://127.0.0.1:%1").arg(port));
        const CommandRun r = pull({ QStringLiteral("--db"), newDb(), QStringLiteral("--connection"), id,
                                      QStringLiteral("--secret-key-env"), QStringLiteral("TG_TEST_SECRET") },
            withSecret(QStringLiteral("sk-lf-test")));
        QVERIFY2(r.exitCode == 4, r.describe().constData());
        QVERIFY2(r.errText().contains(u"cannot reach"), r.describe().constData());
    }
};

QTEST_GUILESS_MAIN(TestPullCommand)
#include "tst_pullcommand.moc"
