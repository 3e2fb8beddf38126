// Host normalisation, presets and plan tiers of LangfuseConnection.
#include "langfuse/langfuseconnection.h"

#include <QTest>

using namespace tg;

class TestLangfuseConnection : public QObject
{
    Q_OBJECT

private slots:
    void normalizeHost_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bare cloud host") << "cloud.langfuse.com"
                                         << "https://cloud.langfuse.com";
        QTest::newRow("trailing slash") << "https://cloud.langfuse.com/"
                                        << "https://cloud.langfuse.com";
        QTest::newRow("case and slashes") << "  HTTPS://US.Cloud.Langfuse.com//  "
                                          << "https://us.cloud.langfuse.com";
        QTest::newRow("localhost gets http") << "localhost:3000"
                                             << "http://localhost:3000";
        QTest::newRow("loopback v4") << "127.0.0.1:3000/"
                                     << "http://127.0.0.1:3000";
        QTest::newRow("loopback v6") << "[::1]:3000"
                                     << "http://[::1]:3000";
        QTest::newRow("explicit http kept") << "http://langfuse.internal:8080"
                                            << "http://langfuse.internal:8080";
        QTest::newRow("api path dropped") << "https://example.com/api/public/"
                                          << "https://example.com";
        QTest::newRow("prefix kept") << "https://example.com/langfuse/api/public"
                                     << "https://example.com/langfuse";
        QTest::newRow("default port dropped") << "https://example.com:443/"
                                              << "https://example.com";
        QTest::newRow("query and fragment dropped") << "https://example.com/?x=1#top"
                                                    << "https://example.com";
    }

    void normalizeHost()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QString error = QStringLiteral("stale");
        QCOMPARE(tg::normalizeHost(input, &error), expected);
        QVERIFY(error.isEmpty());
        // Idempotent.
        QCOMPARE(tg::normalizeHost(expected), expected);
    }

    void normalizeHostRejects_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("errorPart");
        QTest::newRow("empty") << "   "
                               << "address";
        QTest::newRow("ftp") << "ftp://example.com"
                             << "ftp";
        QTest::newRow("no host") << "https://"
                                 << "not a valid";
        QTest::newRow("keys in url") << "https://pk:sk@example.com"
                                     << "key fields";
    }

    void normalizeHostRejects()
    {
        QFETCH(QString, input);
        QFETCH(QString, errorPart);
        QString error;
        QVERIFY(tg::normalizeHost(input, &error).isEmpty());
        QVERIFY2(error.contains(errorPart), qPrintable(error));
        // The message never repeats credentials typed into the address.
        QVERIFY(!error.contains(QLatin1String("pk:sk")));
    }

    void cloudHosts()
    {
        for (const char *host : { "https://cloud.langfuse.com", "https://us.cloud.langfuse.com",
                 "https://jp.cloud.langfuse.com", "https://hipaa.cloud.langfuse.com" })
            QVERIFY2(isCloudHost(QLatin1String(host)), host);
        for (const char *host :
            { "http://cloud.langfuse.com", "https://evil-langfuse.com", "https://langfuse.com.example.org",
                "http://localhost:3000", "https://langfuse.example.com" })
            QVERIFY2(!isCloudHost(QLatin1String(host)), host);
    }

    void presets()
    {
        const QList<HostPreset> &list = hostPresets();
        QCOMPARE(list.size(), 6);
        QCOMPARE(list[0].url, QStringLiteral("https://cloud.langfuse.com"));
        QCOMPARE(list[1].url, QStringLiteral("https://us.cloud.langfuse.com"));
        QCOMPARE(list[2].url, QStringLiteral("https://jp.cloud.langfuse.com"));
        QCOMPARE(list[3].url, QStringLiteral("https://hipaa.cloud.langfuse.com"));
        QVERIFY(list.last().url.isEmpty()); // Custom
        for (const HostPreset &p : list) {
            if (p.url.isEmpty())
                continue;
            QCOMPARE(tg::normalizeHost(p.url), p.url);
            QCOMPARE(isCloudHost(p.url), p.cloud);
        }
        QCOMPARE(presetIndexForHost(QStringLiteral("https://jp.cloud.langfuse.com")), 2);
        QCOMPARE(presetIndexForHost(QStringLiteral("https://mine.example.com")), int(list.size()) - 1);
    }

    void tiers()
    {
        for (PlanTier t : { PlanTier::Hobby, PlanTier::Core, PlanTier::Pro, PlanTier::SelfHosted }) {
            QCOMPARE(planTierFromKey(planTierKey(t)), t);
            QVERIFY(!planTierName(t).isEmpty());
        }
        QCOMPARE(planTierFromKey(QStringLiteral("Team")), PlanTier::Pro);
        QCOMPARE(planTierFromKey(QStringLiteral("nonsense"), PlanTier::Core), PlanTier::Core);

        LangfuseConnection c;
        c.host = QStringLiteral("https://cloud.langfuse.com");
        c.tier = PlanTier::Core;
        QCOMPARE(c.effectiveTier(), PlanTier::Core);
        c.tier = PlanTier::SelfHosted; // a Cloud host always has limits
        QCOMPARE(c.effectiveTier(), PlanTier::Hobby);
        c.host = QStringLiteral("http://localhost:3000");
        c.tier = PlanTier::Pro; // a self-hosted server never has
        QCOMPARE(c.effectiveTier(), PlanTier::SelfHosted);
    }
};

QTEST_GUILESS_MAIN(TestLangfuseConnection)
#include "tst_langfuseconnection.moc"
