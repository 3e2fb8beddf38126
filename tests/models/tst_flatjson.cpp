#include "mapping/flatjson.h"

#include <QJsonDocument>
#include <QTest>

using namespace tg;

class TestFlatJson : public QObject
{
    Q_OBJECT

private slots:
    void validDocuments_data();
    void validDocuments();
    void invalidDocuments_data();
    void invalidDocuments();
    void stringDecoding();
    void surrogates();
    void numbers();
    void compactTextStripsOnlyInsignificantSpace();
    void duplicateKeysLastWins();
    void iteration();
    void depthLimit();
    void invalidUtf8();
    void fieldTable();
    void agreesWithQJsonDocument();
};

void TestFlatJson::validDocuments_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("object") << QByteArray(R"({"a":1,"b":[true,false,null],"c":{"d":"e"}})");
    QTest::newRow("empty containers") << QByteArray(R"({"a":{},"b":[]})");
    QTest::newRow("scalar string") << QByteArray(R"("x")");
    QTest::newRow("scalar number") << QByteArray("-0.5e-3");
    QTest::newRow("scalar null") << QByteArray("null");
    QTest::newRow("whitespace") << QByteArray(" \n\t{ \"a\" : [ 1 , 2 ] }\r\n ");
    QTest::newRow("all escapes") << QByteArray(R"(["\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\ude00"])");
    QTest::newRow("utf8") << QByteArray("[\"\xc3\xa9\xe2\x80\x94\xf0\x9f\x98\x80\"]");
    QTest::newRow("long string") << (QByteArray("\"") + QByteArray(10000, 'a') + "\"");
}

void TestFlatJson::validDocuments()
{
    QFETCH(QByteArray, json);
    FlatJson doc;
    QVERIFY2(doc.parse(json), qPrintable(doc.errorString()));
    QVERIFY(doc.isValid());
    QCOMPARE(doc.errorOffset(), -1);
    QVERIFY(FlatJson::isValidJson(json));
}

void TestFlatJson::invalidDocuments_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("spaces") << QByteArray("   ");
    QTest::newRow("trailing comma") << QByteArray(R"({"a":1,})");
    QTest::newRow("array trailing comma") << QByteArray("[1,]");
    QTest::newRow("missing colon") << QByteArray(R"({"a" 1})");
    QTest::newRow("unquoted key") << QByteArray("{a:1}");
    QTest::newRow("single quotes") << QByteArray("{'a':1}");
    QTest::newRow("unterminated string") << QByteArray(R"(["abc)");
    QTest::newRow("unterminated object") << QByteArray(R"({"a":1)");
    QTest::newRow("two values") << QByteArray("{} {}");
    QTest::newRow("bad escape") << QByteArray(R"(["\x"])");
    QTest::newRow("short unicode escape") << QByteArray(R"(["\u12"])");
    QTest::newRow("bad hex") << QByteArray(R"(["\u12G4"])");
    QTest::newRow("raw control char") << QByteArray("[\"a\nb\"]");
    QTest::newRow("leading zero") << QByteArray("[01]");
    QTest::newRow("bare minus") << QByteArray("[-]");
    QTest::newRow("dot without digits") << QByteArray("[1.]");
    QTest::newRow("exponent without digits") << QByteArray("[1e]");
    QTest::newRow("plus sign") << QByteArray("[+1]");
    QTest::newRow("NaN") << QByteArray("[NaN]");
    QTest::newRow("truncated literal") << QByteArray("[tru]");
    QTest::newRow("mismatched close") << QByteArray("[1}");
    QTest::newRow("close only") << QByteArray("]");
    QTest::newRow("nul byte") << QByteArray("[1]\0", 4);
}

void TestFlatJson::invalidDocuments()
{
    QFETCH(QByteArray, json);
    FlatJson doc;
    QVERIFY(!doc.parse(json));
    QVERIFY(!doc.isValid());
    QVERIFY(!doc.errorString().isEmpty());
    QVERIFY(doc.errorOffset() >= 0);
    QVERIFY(doc.root().isUndefined());
}

void TestFlatJson::stringDecoding()
{
    FlatJson doc;
    QVERIFY(doc.parse(R"({"k":"a\"b\\c\/d\ne\u00e9","plain":"xyz","empty":""})"));
    const FlatJsonValue root = doc.root();
    QCOMPARE(root.value("k").toString(), QStringLiteral("a\"b\\c/d\ne\u00e9"));
    QCOMPARE(root.value("k").toUtf8(), QByteArray("a\"b\\c/d\ne\xc3\xa9"));
    QCOMPARE(root.value("plain").toString(), QStringLiteral("xyz"));
    QVERIFY(root.value("empty").toString().isEmpty());
    QVERIFY(!root.value("empty").toString().isNull()); // given as "", not missing
    QVERIFY(root.value("k").stringEquals("a\"b\\c/d\ne\xc3\xa9"));
    QVERIFY(!root.value("k").stringEquals("a"));
    QCOMPARE(root.value("k").rawText(), QByteArrayView(R"("a\"b\\c\/d\ne\u00e9")"));
    QVERIFY(root.value("missing").isUndefined());
    QVERIFY(!root.value("missing").isNull());
    QVERIFY(root.value("missing").isMissing());
    QCOMPARE(root.value("missing").kind(), FlatJson::Kind::Null);
    QCOMPARE(root.value("missing").size(), 0);
    QVERIFY(root.value("missing").toString().isNull());
    QVERIFY(root.value("missing").rawText().isEmpty());
    QVERIFY(root.value("plain").toString() != QString());
    QVERIFY(root.toString().isNull()); // not a string
}

void TestFlatJson::surrogates()
{
    FlatJson doc;
    QVERIFY(doc.parse(R"(["\ud83d\ude00","\ud83d","\ude00x","\ud83d\u0041"])"));
    QStringList out;
    doc.root().forEachElement([&](const FlatJsonValue &v) { out << v.toString(); });
    QCOMPARE(out.size(), 4);
    QCOMPARE(out[0], QString::fromUtf8("\xf0\x9f\x98\x80"));
    QCOMPARE(out[1], QString(QChar(0xFFFD))); // lone high surrogate
    QCOMPARE(out[2], QString(QChar(0xFFFD)) + u'x'); // lone low surrogate
    QCOMPARE(out[3], QString(QChar(0xFFFD)) + u'A'); // high surrogate not followed by a low one
}

void TestFlatJson::numbers()
{
    FlatJson doc;
    QVERIFY(doc.parse("[0,-12,3.5,1e3,2.0,9223372036854775807,9223372036854775808,1e400,-0,\"7\"]"));
    std::vector<FlatJsonValue> v;
    doc.root().forEachElement([&](const FlatJsonValue &e) { v.push_back(e); });
    QCOMPARE(v.size(), size_t(10));
    QCOMPARE(v[0].toInteger(), std::optional<qint64>(0));
    QCOMPARE(v[1].toInteger(), std::optional<qint64>(-12));
    QCOMPARE(v[2].toInteger(), std::nullopt);
    QCOMPARE(v[2].toDouble(), std::optional<double>(3.5));
    QCOMPARE(v[3].toInteger(), std::optional<qint64>(1000));
    QCOMPARE(v[4].toInteger(), std::optional<qint64>(2));
    QCOMPARE(v[5].toInteger(), std::optional<qint64>(std::numeric_limits<qint64>::max()));
    QCOMPARE(v[6].toInteger(), std::nullopt); // does not fit
    QCOMPARE(v[7].toDouble(), std::nullopt); // out of double range
    QCOMPARE(v[8].toInteger(), std::optional<qint64>(0));
    QCOMPARE(v[9].toInteger(), std::nullopt); // strings are not numbers
}

void TestFlatJson::compactTextStripsOnlyInsignificantSpace()
{
    FlatJson doc;
    QVERIFY(doc.parse("{ \"a\" : [ 1 , \"x y \\\" z\" ] ,\n \"b\" : { } }"));
    QCOMPARE(doc.root().compactText(), QByteArray(R"({"a":[1,"x y \" z"],"b":{}})"));
    QCOMPARE(doc.root().value("a").compactText(), QByteArray(R"([1,"x y \" z"])"));
    QVERIFY(doc.parse(R"({"a":[1,2]})"));
    QCOMPARE(doc.root().compactText(), QByteArray(R"({"a":[1,2]})"));
}

void TestFlatJson::duplicateKeysLastWins()
{
    FlatJson doc;
    QVERIFY(doc.parse(R"({"a":1,"b":2,"a":3})"));
    QCOMPARE(doc.root().value("a").toInteger(), std::optional<qint64>(3));
    QCOMPARE(doc.root().size(), 3);
}

void TestFlatJson::iteration()
{
    FlatJson doc;
    QVERIFY(doc.parse(R"({"x":{"deep":[1,[2,3],{"k":4}]},"y":[],"z":"s"})"));
    QStringList keys;
    doc.root().forEachMember([&](const FlatJsonValue &k, const FlatJsonValue &) { keys << k.toString(); });
    QCOMPARE(keys, (QStringList { "x", "y", "z" }));
    int count = 0;
    doc.root().value("x").value("deep").forEachElement([&](const FlatJsonValue &) { ++count; });
    QCOMPARE(count, 3);
    QCOMPARE(doc.root().value("x").value("deep").size(), 3);
    QCOMPARE(doc.root().value("y").size(), 0);
    // Iterating a non-container does nothing.
    doc.root().value("z").forEachElement([&](const FlatJsonValue &) { QFAIL("not an array"); });
    FlatJsonValue().forEachMember([&](const FlatJsonValue &, const FlatJsonValue &) { QFAIL("undefined"); });
}

void TestFlatJson::depthLimit()
{
    const int depth = 10000;
    const QByteArray deep = QByteArray(depth, '[') + QByteArray(depth, ']');
    FlatJson doc;
    QVERIFY(!doc.parse(deep));
    QVERIFY(doc.errorString().contains(QLatin1String("nested too deeply")));
    const QByteArray ok = QByteArray(100, '[') + QByteArray(100, ']');
    QVERIFY(doc.parse(ok));
    QVERIFY(!doc.parse(ok, 99));
    QVERIFY(doc.parse(ok, 100));
    const QByteArray objects = QByteArray("{\"a\":").repeated(5000) + "1" + QByteArray(5000, '}');
    QVERIFY(!doc.parse(objects));
}

void TestFlatJson::invalidUtf8()
{
    const QByteArray bad = QByteArray("{\"name\":\"ab\xff\xfe"
                                      "cd\",\"ok\":\"\xc3\xa9\"}");
    FlatJson doc;
    QVERIFY(!doc.parse(bad, FlatJson::kDefaultMaxDepth, FlatJson::Utf8Policy::Reject));
    QVERIFY(doc.errorString().contains(QLatin1String("UTF-8")));
    QVERIFY(doc.parse(bad)); // Replace is the default
    QVERIFY(doc.replacedInvalidUtf8());
    QCOMPARE(doc.root().value("name").toString(), QStringLiteral("ab\uFFFD\uFFFDcd"));
    QCOMPARE(doc.root().value("ok").toString(), QStringLiteral("\u00e9"));

    const QByteArray cases[] = {
        "[\"\xc0\xaf\"]", // overlong
        "[\"\xed\xa0\x80\"]", // UTF-16 surrogate encoded in UTF-8
        "[\"\xf4\x90\x80\x80\"]", // above U+10FFFF
        "[\"\xe2\x82\"]", // truncated sequence
        "[\"\x80\"]", // lone continuation byte
    };
    for (const QByteArray &c : cases) {
        QVERIFY2(!FlatJson::isValidJson(c), c.toHex().constData());
        QVERIFY(doc.parse(c));
        QVERIFY(doc.replacedInvalidUtf8());
        QVERIFY(doc.root().size() == 1);
    }
}

void TestFlatJson::fieldTable()
{
    static const JsonFieldTable table { "id", "name", "startTime", "x" };
    QCOMPARE(table.size(), 4);
    QCOMPARE(table.find("id"), 0);
    QCOMPARE(table.find("startTime"), 2);
    QCOMPARE(table.find("x"), 3);
    QCOMPARE(table.find("nope"), -1);
    QCOMPARE(table.find(""), -1);
    FlatJson doc;
    QVERIFY(doc.parse(R"({"name":"a","other":1,"\u0069d":"escaped-key","name":"b"})"));
    FlatJsonValue f[4];
    QCOMPARE(table.collect(doc.root(), f), 4);
    QCOMPARE(f[0].toString(), QStringLiteral("escaped-key"));
    QCOMPARE(f[1].toString(), QStringLiteral("b"));
    QVERIFY(f[2].isUndefined());
    FlatJsonValue g[4];
    QCOMPARE(table.collect(FlatJsonValue(), g), 0);
}

void TestFlatJson::agreesWithQJsonDocument()
{
    const QByteArray json = R"({"a":[1,2.5,"x\u00e9\n",{"b":null,"c":true}],"d":{"e":[[],{}]}})";
    FlatJson doc;
    QVERIFY(doc.parse(json));
    const QJsonDocument viaQt = QJsonDocument::fromJson(doc.root().compactText());
    QCOMPARE(viaQt, QJsonDocument::fromJson(json));
}

QTEST_GUILESS_MAIN(TestFlatJson)
#include "tst_flatjson.moc"
