// Word diff: tokens, runs that rebuild both texts, minimal edits, the coarse fallback, and sizes.
#include "replay/worddiff.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

using namespace tg;
using Kind = DiffRun::Kind;

namespace {

/// The text of one side, rebuilt from the runs.
QString side(const WordDiff &diff, bool after)
{
    QString out;
    for (const DiffRun &r : diff.runs) {
        if (r.kind == Kind::Equal || (after ? r.kind == Kind::Insert : r.kind == Kind::Delete))
            out += r.text;
    }
    return out;
}

/// "=the |-cat|+dog|= sat" for compact expectations.
QString render(const WordDiff &diff)
{
    QStringList parts;
    for (const DiffRun &r : diff.runs)
        parts << (r.kind == Kind::Equal           ? QStringLiteral("=")
                         : r.kind == Kind::Insert ? QStringLiteral("+")
                                                  : QStringLiteral("-"))
                + r.text;
    return parts.join(u'|');
}

} // namespace

class TestWordDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokens()
    {
        const std::vector<QStringView> t = wordTokens(u"It's 3.5 cats,  don't\tpanic!");
        QStringList texts;
        for (const QStringView v : t)
            texts << v.toString();
        QCOMPARE(texts,
            (QStringList { QStringLiteral("It's"), QStringLiteral(" "), QStringLiteral("3"),
                QStringLiteral("."), QStringLiteral("5"), QStringLiteral(" "), QStringLiteral("cats"),
                QStringLiteral(","), QStringLiteral("  "), QStringLiteral("don't"), QStringLiteral("\t"),
                QStringLiteral("panic"), QStringLiteral("!") }));
        QVERIFY(wordTokens(u"").empty());
        // Emoji (surrogate pairs) stay whole.
        QCOMPARE(wordTokens(u"a😀b").size(), size_t(3));
    }

    void identical()
    {
        const WordDiff d = diffWords(u"same words here", u"same words here");
        QVERIFY(d.identical());
        QCOMPARE(d.runs.size(), size_t(1));
        QCOMPARE(d.equalWords, 3);
        QCOMPARE(d.similarity(), 1.0);
        QVERIFY(diffWords(u"", u"").identical());
        QVERIFY(diffWords(u"", u"").runs.empty());
    }

    void oneWordChanged()
    {
        const WordDiff d = diffWords(u"the cat sat on the mat", u"the dog sat on the mat");
        QCOMPARE(render(d), QStringLiteral("=the |-cat|+dog|= sat on the mat"));
        QCOMPARE(d.insertedWords, 1);
        QCOMPARE(d.deletedWords, 1);
        QCOMPARE(d.equalWords, 5);
        QVERIFY(!d.identical());
        QCOMPARE(d.similarity(), 10.0 / 12.0);
    }

    void insertAndDelete()
    {
        QCOMPARE(render(diffWords(u"a b", u"a new b")), QStringLiteral("=a |+new |=b"));
        QCOMPARE(render(diffWords(u"a old b", u"a b")), QStringLiteral("=a |-old |=b"));
        QCOMPARE(render(diffWords(u"", u"fresh text")), QStringLiteral("+fresh text"));
        QCOMPARE(render(diffWords(u"gone", u"")), QStringLiteral("-gone"));
        // Punctuation is its own token: "cat." -> "cats." changes one word.
        const WordDiff p = diffWords(u"I saw a cat.", u"I saw a cats.");
        QCOMPARE(p.deletedWords, 1);
        QCOMPARE(p.insertedWords, 1);
        QVERIFY(render(p).endsWith(QStringLiteral("=.")));
    }

    void runsRebuildBothSides_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::newRow("reorder") << QStringLiteral("one two three four")
                                 << QStringLiteral("four three two one");
        QTest::newRow("lines") << QStringLiteral("line one\nline two\nline three")
                               << QStringLiteral("line one\nline 2\nline three\nline four");
        QTest::newRow("json") << QStringLiteral(R"({"order_id":"4417","qty":1})")
                              << QStringLiteral(R"({"order_id":"4418","qty":2})");
        QTest::newRow("unicode") << QStringLiteral("Größe ändern 😀 ok")
                                 << QStringLiteral("Größe behalten 😀 ok");
    }

    void runsRebuildBothSides()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        const WordDiff d = diffWords(before, after);
        QCOMPARE(side(d, false), before);
        QCOMPARE(side(d, true), after);
        for (size_t i = 1; i < d.runs.size(); ++i)
            QVERIFY(d.runs[i].kind != d.runs[i - 1].kind); // adjacent runs of one kind are merged
    }

    void minimalOnRandomEdits()
    {
        // A few random word replacements in a long text: the diff finds exactly those.
        QRandomGenerator rng(7);
        QStringList words;
        for (int i = 0; i < 2000; ++i)
            words << QStringLiteral("w%1").arg(rng.bounded(500));
        QStringList changed = words;
        for (int i = 0; i < 10; ++i)
            changed[i * 190 + 3] = QStringLiteral("CHANGED%1").arg(i);
        const WordDiff d = diffWords(words.join(u' '), changed.join(u' '));
        QCOMPARE(d.insertedWords, 10);
        QCOMPARE(d.deletedWords, 10);
        QVERIFY(!d.coarse);
        QCOMPARE(side(d, true), changed.join(u' '));
    }

    void coarseBeyondTheEditLimit()
    {
        QStringList a;
        QStringList b;
        for (int i = 0; i < 300; ++i) {
            a << QStringLiteral("a%1").arg(i);
            b << QStringLiteral("b%1").arg(i);
        }
        const QString before = QStringLiteral("same start ") + a.join(u' ') + QStringLiteral(" same end");
        const QString after = QStringLiteral("same start ") + b.join(u' ') + QStringLiteral(" same end");
        const WordDiff d = diffWords(before, after, 50);
        QVERIFY(d.coarse);
        QVERIFY(!d.identical());
        QCOMPARE(side(d, false), before);
        QCOMPARE(side(d, true), after);
        QCOMPARE(d.runs.front().kind, Kind::Equal);
        QCOMPARE(d.runs.back().kind, Kind::Equal);
        QCOMPARE(d.runs.back().text, QStringLiteral(" same end"));
        // With the default limit the same texts diff exactly.
        QVERIFY(!diffWords(before, after).coarse);
    }

    void largeTextsStayFast()
    {
        QStringList words;
        for (int i = 0; i < 50'000; ++i)
            words << QStringLiteral("word%1").arg(i % 997);
        const QString a = words.join(u' ');
        QStringList edited = words;
        edited.insert(25'000, QStringLiteral("inserted"));
        QElapsedTimer timer;
        timer.start();
        const WordDiff d = diffWords(a, edited.join(u' '));
        QCOMPARE(d.insertedWords, 1);
        QCOMPARE(d.deletedWords, 0);
        QVERIFY2(timer.elapsed() < 5000, "50k words with one edit must be quick");
        // Completely different large texts fall back instead of running out of memory.
        QStringList other;
        for (int i = 0; i < 50'000; ++i)
            other << QStringLiteral("x%1").arg(i);
        const WordDiff far = diffWords(a, other.join(u' '));
        QVERIFY(far.coarse);
    }
};

QTEST_GUILESS_MAIN(TestWordDiff)
#include "tst_worddiff.moc"
