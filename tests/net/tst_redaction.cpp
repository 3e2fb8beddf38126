// Secrets never reach a log line or an error message. Keys are generated per run: no fixed
// real-looking key lives in the source.
#include "redaction.h"

#include <QRandomGenerator>
#include <QTest>
#include <QUuid>

using namespace tg;

namespace {

QString randomAlnum(int length)
{
    static const QString alphabet
        = QStringLiteral("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    QString out;
    for (int i = 0; i < length; ++i)
        out.append(alphabet.at(QRandomGenerator::global()->bounded(int(alphabet.size()))));
    // Keys of every provider contain digits; make sure this one does too.
    out[length / 2] = QLatin1Char('7');
    return out;
}

QString uuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

const QString R = QString::fromLatin1(kRedacted);

} // namespace

class TestRedaction : public QObject
{
    Q_OBJECT

private slots:
    void authorizationHeaders();
    void authorizationInJsonAndLists();
    void keysByShape();
    void keyFieldsAndEnvironmentStyle();
    void urlsAndQueries();
    void cookies();
    void leavesOrdinaryTextAlone_data();
    void leavesOrdinaryTextAlone();
    void idempotent();
    void headerHelpers();
    void headersForLogRedactsEveryCredential();
};

void TestRedaction::authorizationHeaders()
{
    const QString basic = QString::fromLatin1(
        (QStringLiteral("pk-lf-") + uuid() + u':' + QStringLiteral("sk-lf-") + uuid()).toUtf8().toBase64());
    const QString bearer = randomAlnum(40) + QStringLiteral(".") + randomAlnum(20);

    QCOMPARE(redactSecrets(QStringLiteral("Authorization: Basic ") + basic),
        QStringLiteral("Authorization: Basic ") + R);
    QCOMPARE(redactSecrets(QStringLiteral("GET /api/public/traces authorization: bearer ") + bearer
                 + QStringLiteral(" -> 200")),
        QStringLiteral("GET /api/public/traces authorization: bearer ") + R + QStringLiteral(" -> 200"));
    QCOMPARE(redactSecrets(QStringLiteral("Proxy-Authorization: Basic ") + basic),
        QStringLiteral("Proxy-Authorization: Basic ") + R);
    // No scheme: the whole value goes.
    QCOMPARE(
        redactSecrets(QStringLiteral("Authorization: ") + bearer), QStringLiteral("Authorization: ") + R);
    // A bare bearer token elsewhere in a message.
    QCOMPARE(redactSecrets(QStringLiteral("retrying with Bearer ") + bearer),
        QStringLiteral("retrying with Bearer ") + R);
}

void TestRedaction::authorizationInJsonAndLists()
{
    const QString token = randomAlnum(32);
    const QString json
        = QStringLiteral(R"({"headers": {"Authorization": "Bearer %1", "Accept": "application/json"}})")
              .arg(token);
    const QString redacted = redactSecrets(json);
    QVERIFY(!redacted.contains(token));
    QCOMPARE(redacted,
        QStringLiteral(R"({"headers": {"Authorization": "Bearer %1", "Accept": "application/json"}})")
            .arg(R));

    const QString list = QStringLiteral("authorization=Basic %1, x-request-id=abc").arg(token);
    QCOMPARE(redactSecrets(list), QStringLiteral("authorization=Basic %1, x-request-id=abc").arg(R));
}

void TestRedaction::keysByShape()
{
    const QString langfuseSecret = QStringLiteral("sk-lf-") + uuid();
    const QString langfusePublic = QStringLiteral("pk-lf-") + uuid();
    const QString anthropic = QStringLiteral("sk-ant-api03-") + randomAlnum(60);
    const QString openai = QStringLiteral("sk-proj-") + randomAlnum(48);
    const QString legacy = QStringLiteral("sk-") + randomAlnum(48);
    const QString shortLangfuse = QStringLiteral("sk-lf-dev");

    const QString line = QStringLiteral("keys %1 %2 (%3) [%4] '%5' %6.")
                             .arg(langfuseSecret, langfusePublic, anthropic, openai, legacy, shortLangfuse);
    const QString redacted = redactSecrets(line);
    for (const QString &secret : { langfuseSecret, anthropic, openai, legacy, shortLangfuse })
        QVERIFY2(!redacted.contains(secret), qPrintable(redacted));
    QCOMPARE(redacted,
        QStringLiteral("keys sk-lf-%1 %2 (sk-ant-%1) [sk-%1] 'sk-%1' sk-lf-%1.").arg(R, langfusePublic));
}

void TestRedaction::keyFieldsAndEnvironmentStyle()
{
    const QString secret = randomAlnum(24);
    struct Case
    {
        QString input;
        QString expected;
    };
    const QList<Case> cases {
        { QStringLiteral("x-api-key: ") + secret, QStringLiteral("x-api-key: ") + R },
        { QStringLiteral("X-Goog-Api-Key: ") + secret, QStringLiteral("X-Goog-Api-Key: ") + R },
        { QStringLiteral("LANGFUSE_SECRET_KEY=") + secret, QStringLiteral("LANGFUSE_SECRET_KEY=") + R },
        { QStringLiteral("OPENAI_API_KEY=") + secret + QStringLiteral(" next"),
            QStringLiteral("OPENAI_API_KEY=") + R + QStringLiteral(" next") },
        { QStringLiteral(R"({"secretKey": ")") + secret + QStringLiteral(R"(", "publicKey": "pk"})"),
            QStringLiteral(R"({"secretKey": ")") + R + QStringLiteral(R"(", "publicKey": "pk"})") },
        { QStringLiteral("password=") + secret + QStringLiteral(";host=db"),
            QStringLiteral("password=") + R + QStringLiteral(";host=db") },
        { QStringLiteral("access_token: ") + secret, QStringLiteral("access_token: ") + R },
    };
    for (const Case &c : cases)
        QCOMPARE(redactSecrets(c.input), c.expected);
}

void TestRedaction::urlsAndQueries()
{
    const QString password = randomAlnum(16);
    QCOMPARE(redactSecrets(QStringLiteral("proxy https://user:%1@proxy.local:8080/ refused").arg(password)),
        QStringLiteral("proxy https://user:%1@proxy.local:8080/ refused").arg(R));
    const QString key = randomAlnum(30);
    QCOMPARE(redactSecrets(QStringLiteral("GET https://example.test/v1/models?api_key=%1&page=2").arg(key)),
        QStringLiteral("GET https://example.test/v1/models?api_key=%1&page=2").arg(R));
    // A URL without credentials stays as it is.
    const QString plain = QStringLiteral("POST http://127.0.0.1:4318/v1/traces?page=2 -> 200");
    QCOMPARE(redactSecrets(plain), plain);
}

void TestRedaction::cookies()
{
    const QString a = randomAlnum(20);
    const QString b = randomAlnum(20);
    const QString redacted
        = redactSecrets(QStringLiteral("Cookie: session=%1; csrf=%2\nnext line").arg(a, b));
    QCOMPARE(redacted, QStringLiteral("Cookie: %1\nnext line").arg(R));
}

void TestRedaction::leavesOrdinaryTextAlone_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("plain") << QStringLiteral("Fetched 50 traces from https://cloud.langfuse.com in 1.2 s");
    QTest::newRow("public key") << (QStringLiteral("connected as pk-lf-") + uuid());
    QTest::newRow("sk-learn") << QStringLiteral("import sk-learn and task-1234567890abcdef");
    QTest::newRow("short sk") << QStringLiteral("ticket sk-12 closed");
    QTest::newRow("tokens count") << QStringLiteral("input_tokens: 120, output_tokens: 30, max_tokens=512");
    QTest::newRow("authorization word") << QStringLiteral("Authorization failed for project demo");
    QTest::newRow("empty") << QString();
}

void TestRedaction::leavesOrdinaryTextAlone()
{
    QFETCH(QString, text);
    QCOMPARE(redactSecrets(text), text);
}

void TestRedaction::idempotent()
{
    const QString line = QStringLiteral("Authorization: Bearer %1 key sk-lf-%2 api_key=%3")
                             .arg(randomAlnum(30), uuid(), randomAlnum(20));
    const QString once = redactSecrets(line);
    QCOMPARE(redactSecrets(once), once);
}

void TestRedaction::headerHelpers()
{
    QVERIFY(isCredentialHeader("Authorization"));
    QVERIFY(isCredentialHeader("authorization"));
    QVERIFY(isCredentialHeader(" X-API-Key "));
    QVERIFY(isCredentialHeader("Set-Cookie"));
    QVERIFY(!isCredentialHeader("Content-Type"));
    QVERIFY(!isCredentialHeader("x-langfuse-public-key"));

    const QByteArray token = randomAlnum(32).toUtf8();
    QCOMPARE(
        redactHeaderValue("Authorization", QByteArray("Basic " + token)), QByteArray("Basic ") + kRedacted);
    QCOMPARE(
        redactHeaderValue("authorization", QByteArray("bearer " + token)), QByteArray("bearer ") + kRedacted);
    QCOMPARE(redactHeaderValue("Authorization", token), QByteArray(kRedacted));
    QCOMPARE(redactHeaderValue("x-api-key", token), QByteArray(kRedacted));
    QCOMPARE(
        redactHeaderValue("Content-Type", "application/x-protobuf"), QByteArray("application/x-protobuf"));
    // A secret in a header that is not a credential header is still caught by its shape.
    const QByteArray leaked = "sk-lf-" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    QCOMPARE(redactHeaderValue("X-Debug", QByteArray("key " + leaked)), QByteArray("key sk-lf-") + kRedacted);
}

void TestRedaction::headersForLogRedactsEveryCredential()
{
    const QByteArray token = randomAlnum(32).toUtf8();
    const QString log = headersForLog({
        { "Authorization", "Basic " + token },
        { "Content-Type", "application/json" },
        { "Cookie", "a=" + token },
        { "X-Langfuse-Public-Key", "pk-lf-public" },
    });
    QVERIFY(!log.contains(QString::fromUtf8(token)));
    QCOMPARE(log,
        QStringLiteral("Authorization: Basic %1\nContent-Type: application/json\nCookie: %1\n"
                       "X-Langfuse-Public-Key: pk-lf-public")
            .arg(R));
    QCOMPARE(headersForLog({}), QString());
}

QTEST_GUILESS_MAIN(TestRedaction)
#include "tst_redaction.moc"
