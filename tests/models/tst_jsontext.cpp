// JsonText and JsonObjectBuilder: validation, splitting, quoting; hostile input must not crash.
#include "mapping/jsontext.h"
#include "mapping/sharedslice.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using tg::JsonObjectBuilder;
using tg::JsonText;

class TestJsonText : public QObject
{
    Q_OBJECT

private slots:
    void validity_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("object") << QByteArray(" {\"a\": [1, -2.5e3, true, false, null, \"x\"]} ") << true;
        QTest::newRow("empty containers") << QByteArray("[{}, [], \"\"]") << true;
        QTest::newRow("string") << QByteArray("\"caf\xc3\xa9 \\u00e9 \\ud83d\\ude00\"") << true;
        QTest::newRow("number") << QByteArray("0") << true;
        QTest::newRow("negative zero fraction") << QByteArray("-0.0e-1") << true;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("whitespace") << QByteArray(" \n ") << false;
        QTest::newRow("two values") << QByteArray("1 2") << false;
        QTest::newRow("trailing comma") << QByteArray("[1,]") << false;
        QTest::newRow("leading zero") << QByteArray("01") << false;
        QTest::newRow("bare dot") << QByteArray("1.") << false;
        QTest::newRow("plus") << QByteArray("+1") << false;
        QTest::newRow("single quotes") << QByteArray("{'a':1}") << false;
        QTest::newRow("unquoted key") << QByteArray("{a:1}") << false;
        QTest::newRow("missing colon") << QByteArray("{\"a\" 1}") << false;
        QTest::newRow("unterminated string") << QByteArray("\"abc") << false;
        QTest::newRow("bad escape") << QByteArray("\"\\x\"") << false;
        QTest::newRow("short unicode escape") << QByteArray("\"\\u12\"") << false;
        QTest::newRow("raw control char") << QByteArray("\"a\nb\"") << false;
        QTest::newRow("invalid utf8") << QByteArray("\"\xff\"") << false;
        QTest::newRow("overlong utf8") << QByteArray("\"\xc0\xaf\"") << false;
        QTest::newRow("utf8 surrogate") << QByteArray("\"\xed\xa0\x80\"") << false;
        QTest::newRow("truncated utf8") << QByteArray("\"\xe2\x82\"") << false;
        QTest::newRow("mismatched brackets") << QByteArray("[1}") << false;
        QTest::newRow("unclosed") << QByteArray("[[[") << false;
        QTest::newRow("literal typo") << QByteArray("tru") << false;
        QTest::newRow("nul byte") << QByteArray("[1]\0", 4) << false;
    }

    void validity()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, valid);
        QCOMPARE(JsonText::isValid(text), valid);
    }

    void deepNestingIsRefusedWithoutRecursion()
    {
        const QByteArray deep = QByteArray(100000, '[') + QByteArray(100000, ']');
        QVERIFY(!JsonText::isValid(deep));
        const QByteArray atLimit
            = QByteArray(JsonText::kMaxDepth, '[') + QByteArray(JsonText::kMaxDepth, ']');
        QVERIFY(JsonText::isValid(atLimit));
        const QByteArray deepObjects = QByteArray("{\"a\":").repeated(20000) + "1" + QByteArray(20000, '}');
        QVERIFY(!JsonText::isValid(deepObjects));
        QVERIFY(!JsonText::objectMembers(deepObjects));
        QCOMPARE(JsonText::fromMaybeJson(std::string_view(deep.constData(), size_t(deep.size()))).size(),
            deep.size() + 2);
    }

    void objectMembers()
    {
        const auto members
            = JsonText::objectMembers(" { \"a\" : 1 , \"b\\n\": {\"c\": [1, 2]}, \"a\": \"again\" } ");
        QVERIFY(members);
        QCOMPARE(members->size(), size_t(3));
        QCOMPARE(members->at(0).key, QByteArray("a"));
        QCOMPARE(members->at(0).value, QByteArrayView("1"));
        QCOMPARE(members->at(1).key, QByteArray("b\n"));
        QCOMPARE(members->at(1).value, QByteArrayView("{\"c\": [1, 2]}"));
        QCOMPARE(members->at(2).value, QByteArrayView("\"again\""));
        QVERIFY(JsonText::objectMembers("{}")->empty());
        QVERIFY(!JsonText::objectMembers("[1]"));
        QVERIFY(!JsonText::objectMembers("{\"a\":1} x"));
        QVERIFY(!JsonText::objectMembers("{\"a\":}"));
        QVERIFY(!JsonText::objectMembers("{\"a\":1,}"));
    }

    void arrayElements()
    {
        const auto elements = JsonText::arrayElements("[1, \"two\", {\"three\": 3}, [4]]");
        QVERIFY(elements);
        QCOMPARE(elements->size(), size_t(4));
        QCOMPARE(elements->at(1), QByteArrayView("\"two\""));
        QCOMPARE(elements->at(3), QByteArrayView("[4]"));
        QVERIFY(JsonText::arrayElements(" [ ] ")->empty());
        QVERIFY(!JsonText::arrayElements("{}"));
        QVERIFY(!JsonText::arrayElements("[1 2]"));
    }

    void unquote()
    {
        QCOMPARE(JsonText::unquote("\"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\""), QByteArray("a\"b\\c/d\n\t\r\b\f"));
        QCOMPARE(JsonText::unquote("\"\\u00e9\\u20ac\""), QByteArray("\xc3\xa9\xe2\x82\xac"));
        QCOMPARE(JsonText::unquote("\"\\ud83d\\ude00\""), QByteArray("\xf0\x9f\x98\x80"));
        QCOMPARE(JsonText::unquote("\"\\ud83d x\""), QByteArray("\xef\xbf\xbd x")); // lone surrogate
        QCOMPARE(JsonText::unquote(" \"x\" "), QByteArray("x"));
        QVERIFY(!JsonText::unquote("x"));
        QVERIFY(!JsonText::unquote("\"x\" \"y\""));
        QVERIFY(!JsonText::unquote("1"));
    }

    void quoteRoundTrips()
    {
        const QByteArray text("tab\t quote\" backslash\\ nl\n ctrl\x01 \xc3\xa9");
        const QByteArray quoted = JsonText::quote(std::string_view(text.constData(), size_t(text.size())));
        QVERIFY(JsonText::isValid(quoted));
        QCOMPARE(JsonText::unquote(quoted), text);
        QVERIFY(quoted.contains("\\u0001"));
        QCOMPARE(JsonText::quote(QStringLiteral("é")), QByteArray("\"\xc3\xa9\""));
    }

    void appendQuotedGrowsAsNeeded()
    {
        // Text made only of escapes needs six bytes per byte: appended after existing content, into
        // buffers with and without spare capacity, it must come out whole and round-trip.
        QRandomGenerator rng(7);
        const char *const alphabet[] = { "\"", "\\", "\n", "\x01", "\x1f", "a", " ", "\xc3\xa9", "\t" };
        for (int round = 0; round < 300; ++round) {
            QByteArray text;
            const int length = round < 20 ? round : int(rng.bounded(4000));
            const bool allEscapes = round % 3 == 0;
            for (int i = 0; i < length; ++i)
                text.append(allEscapes ? "\x02" : alphabet[rng.bounded(int(std::size(alphabet)))]);
            QByteArray out("prefix:");
            if (round % 2)
                out.reserve(out.size() + length);
            JsonText::appendQuoted(out, std::string_view(text.constData(), size_t(text.size())));
            QVERIFY(out.startsWith("prefix:\""));
            const QByteArray quoted = out.mid(7);
            QVERIFY2(JsonText::isValid(quoted), quoted.left(80).constData());
            QCOMPARE(JsonText::unquote(quoted).value_or(QByteArray("<none>")), text);
        }
    }

    void numbers()
    {
        QCOMPARE(JsonText::number(0.1), QByteArray("0.1"));
        QCOMPARE(JsonText::number(2.0), QByteArray("2"));
        QCOMPARE(JsonText::number(-1e300), QByteArray("-1e+300"));
        QCOMPARE(JsonText::number(std::numeric_limits<double>::quiet_NaN()), QByteArray("null"));
        QCOMPARE(JsonText::number(std::numeric_limits<double>::infinity()), QByteArray("null"));
        QVERIFY(JsonText::isValid(JsonText::number(-1e300)));
    }

    void fromMaybeJson()
    {
        QCOMPARE(JsonText::fromMaybeJson(" [1] "), QByteArray("[1]"));
        QCOMPARE(JsonText::fromMaybeJson("hello"), QByteArray("\"hello\""));
        QCOMPARE(JsonText::fromMaybeJson("true"), QByteArray("true"));
        QCOMPARE(JsonText::fromMaybeJson("{broken"), QByteArray("\"{broken\""));
        QCOMPARE(JsonText::fromMaybeJson(""), QByteArray("\"\""));
    }

    void fromMaybeJsonSharesItsOwner()
    {
        QByteArray owner("xx [1, 2] yy \"quoted\" plain");
        const char *base = owner.constData();
        const QByteArray json = JsonText::fromMaybeJson(std::string_view(base + 2, 8), &owner);
        QCOMPARE(json, QByteArray("[1, 2]"));
        QCOMPARE(json.constData(), base + 3); // trimmed, and not copied
        const QByteArray quoted = JsonText::fromMaybeJson(std::string_view(base + 13, 8), &owner);
        QCOMPARE(quoted.constData(), base + 13);
        // Text that is not JSON is quoted into a buffer of its own.
        const QByteArray plain = JsonText::fromMaybeJson(std::string_view(base + 22, 5), &owner);
        QCOMPARE(plain, QByteArray("\"plain\""));
        QVERIFY(plain.constData() < base || plain.constData() >= base + owner.size());
    }

    void sharedSliceKeepsItsOwnerAlive()
    {
        QByteArray owner = QByteArray("prefix-") + QByteArray(1000, 'a') + QByteArray("-suffix");
        const QByteArrayView middle(owner.constData() + 7, 1000);
        QByteArray slice = tg::sharedSlice(owner, middle);
        QCOMPARE(slice.constData(), middle.data());
        QCOMPARE(slice, QByteArray(1000, 'a'));
        owner = QByteArray(); // the slice now holds the only reference
        QCOMPARE(slice, QByteArray(1000, 'a'));
        // A write detaches nothing else and changes only the slice.
        QByteArray copy = slice;
        slice.append('b');
        QCOMPARE(slice.size(), 1001);
        QCOMPARE(copy, QByteArray(1000, 'a'));
        slice[0] = 'z';
        QCOMPARE(copy.at(0), 'a');
    }

    void sharedSliceCopiesWhatItCannotShare()
    {
        const QByteArray owner("0123456789");
        const QByteArray elsewhere("0123");
        // Outside the owner, overlapping its end, or empty: a copy.
        QVERIFY(tg::sharedSlice(owner, QByteArrayView(elsewhere)).constData() != elsewhere.constData());
        QCOMPARE(tg::sharedSlice(owner, QByteArrayView(elsewhere)), elsewhere);
        const QByteArray overlapping = tg::sharedSlice(owner, QByteArrayView(owner.constData() + 8, 2));
        QCOMPARE(overlapping.constData(), owner.constData() + 8);
        const QByteArray beyond = tg::sharedSlice(owner, QByteArrayView(owner.constData() + 8, 3));
        QVERIFY(beyond.constData() != owner.constData() + 8);
        QVERIFY(tg::sharedSlice(owner, QByteArrayView()).isEmpty());
        // Raw data is not owned by the QByteArray viewing it: sharing would outlive the buffer.
        static const char raw[] = "raw bytes";
        const QByteArray rawOwner = QByteArray::fromRawData(raw, 9);
        const QByteArray fromRaw = tg::sharedSlice(rawOwner, QByteArrayView(raw + 4, 5));
        QCOMPARE(fromRaw, QByteArray("bytes"));
        QVERIFY(fromRaw.constData() != raw + 4);
    }

    void builder()
    {
        JsonObjectBuilder builder;
        QVERIFY(builder.isEmpty());
        QCOMPARE(builder.toJson(), QByteArray("{}"));
        builder.set("a", "1");
        builder.set("b", "2");
        builder.set("a", "3"); // replaces in place
        QVERIFY(builder.merge("{\"c\":true,\"b\":null}"));
        QVERIFY(!builder.merge("[1]"));
        QCOMPARE(builder.toJson(), QByteArray("{\"a\":3,\"b\":null,\"c\":true}"));
        QVERIFY(builder.contains("c"));
        QVERIFY(!builder.contains("d"));

        // Past the index threshold, lookups use a hash and order is still kept.
        JsonObjectBuilder big;
        for (int i = 0; i < 100; ++i)
            big.set(QByteArray::number(i), QByteArray::number(i));
        big.set("50", "\"x\"");
        QCOMPARE(big.size(), size_t(100));
        const QJsonDocument document = QJsonDocument::fromJson(big.toJson());
        QCOMPARE(document.object().value(u"50").toString(), QStringLiteral("x"));
        QVERIFY(big.toJson().startsWith("{\"0\":0,\"1\":1,"));
    }
};

QTEST_GUILESS_MAIN(TestJsonText)
#include "tst_jsontext.moc"
