// JsonTreeModel: lazy children over FlatJson, previews, paths, search, and multi-MB documents.
#include "itemmodels/jsontreemodel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QTest>

using namespace tg;

namespace {

QByteArray json(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

} // namespace

class TestJsonTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void structureAndPreviews()
    {
        JsonTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDocument(JsonTreeModel::parse(json(
            "{'messages':[{'role':'user','content':'line one\\nline two'}],'n':1.5,'ok':true,'none':null,"
            "'weird key':{'a-b':[]}}")));
        QCOMPARE(model.rowCount(), 5);
        const QModelIndex messages = model.index(0, 0);
        QCOMPARE(messages.data().toString(), QStringLiteral("messages"));
        QCOMPARE(model.index(0, JsonTreeModel::ValueColumn).data().toString(), QStringLiteral("[1 item]"));
        QCOMPARE(model.rowCount(messages), 1);
        const QModelIndex first = model.index(0, 0, messages);
        QCOMPARE(first.data().toString(), QStringLiteral("[0]"));
        QCOMPARE(model.parent(first), messages);
        const QModelIndex content = model.index(1, 0, first);
        QCOMPARE(content.data().toString(), QStringLiteral("content"));
        QCOMPARE(content.siblingAtColumn(JsonTreeModel::ValueColumn).data().toString(),
            QStringLiteral("\"line one↵line two\""));
        QCOMPARE(model.path(content), QStringLiteral("$.messages[0].content"));
        QCOMPARE(model.fullValue(content), QStringLiteral("line one\nline two"));
        QCOMPARE(model.index(1, JsonTreeModel::ValueColumn).data().toString(), QStringLiteral("1.5"));
        QCOMPARE(model.index(2, JsonTreeModel::TypeColumn).data().toString(), QStringLiteral("boolean"));
        QCOMPARE(model.index(3, JsonTreeModel::ValueColumn).data().toString(), QStringLiteral("null"));
        const QModelIndex weird = model.index(4, 0);
        QCOMPARE(model.path(model.index(0, 0, weird)), QStringLiteral("$[\"weird key\"][\"a-b\"]"));
        QCOMPARE(model.fullValue(weird), QStringLiteral("{\"a-b\":[]}"));
        QVERIFY(!model.hasChildren(model.index(0, 0, weird)));
    }

    void scalarRoot()
    {
        JsonTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDocument(JsonTreeModel::parse("\"just text\""));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("(value)"));
        QCOMPARE(model.path(model.index(0, 0)), QStringLiteral("$"));
        QCOMPARE(model.indexForNode(0), model.index(0, 0));
    }

    void notJson()
    {
        QString error;
        QVERIFY(!JsonTreeModel::parse("{oops", &error));
        QVERIFY(!error.isEmpty());
        JsonTreeModel model;
        model.setDocument(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void longStringsAndEscapesArePreviewedNotDecoded()
    {
        JsonTreeModel model;
        const QByteArray longText = QByteArray("x").repeated(100000);
        model.setDocument(
            JsonTreeModel::parse("{\"a\":\"" + longText + "\",\"u\":\"caf\\u00e9 \\ud83d\\ude00\"}"));
        const QString preview = model.index(0, JsonTreeModel::ValueColumn).data().toString();
        QCOMPARE(preview.size(), JsonTreeModel::kPreviewChars + 3); // quotes and the ellipsis
        QVERIFY(preview.endsWith(QStringLiteral("…\"")));
        QVERIFY(
            model.index(0, JsonTreeModel::TypeColumn).data().toString().contains(QStringLiteral("97.7 KB")));
        QCOMPARE(model.index(1, JsonTreeModel::ValueColumn).data().toString(), QStringLiteral("\"café 😀\""));
        QCOMPARE(model.fullValue(model.index(0, 0)).size(), 100000);
    }

    void findAndReveal()
    {
        JsonTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDocument(JsonTreeModel::parse(json(
            "{'a':{'b':[1,2,{'Needle':'hay'}]},'c':'has a NEEDLE inside','d':[{'e':'needle'}],'f':42}")));
        bool truncated = true;
        const std::vector<quint32> hits = model.find(QStringLiteral("needle"), 100, &truncated);
        QVERIFY(!truncated);
        QCOMPARE(hits.size(), size_t(3));
        // The key match reports its value; matches come in document order.
        const QModelIndex firstHit = model.indexForNode(hits[0]);
        QCOMPARE(model.path(firstHit), QStringLiteral("$.a.b[2].Needle"));
        QCOMPARE(model.path(model.indexForNode(hits[1])), QStringLiteral("$.c"));
        QCOMPARE(model.path(model.indexForNode(hits[2])), QStringLiteral("$.d[0].e"));
        QCOMPARE(model.find(QStringLiteral("42")).size(), size_t(1));
        QCOMPARE(model.find(QStringLiteral("{")).size(), size_t(0)); // punctuation never matches
        QCOMPARE(model.find(QStringLiteral("needle"), 2, &truncated).size(), size_t(2));
        QVERIFY(truncated);
    }

    void multiMegabyteDocumentIsLazy()
    {
        // 200,000 array elements, about 8 MB: parse, reset, first rows, search, reveal the last.
        QByteArray text = "{\"items\":[";
        for (int i = 0; i < 200000; ++i)
            text += (i ? "," : "") + QByteArray("{\"id\":") + QByteArray::number(i) + ",\"t\":\"item text\"}";
        text += "]}";
        QElapsedTimer timer;
        timer.start();
        auto doc = JsonTreeModel::parse(text);
        QVERIFY(doc);
        const qint64 parseMs = timer.restart();
        JsonTreeModel model;
        model.setDocument(doc);
        const QModelIndex items = model.index(0, 0);
        QCOMPARE(model.rowCount(items), 200000);
        QCOMPARE(model.index(199999, 0, items).data().toString(), QStringLiteral("[199999]"));
        const qint64 openMs = timer.restart();
        const std::vector<quint32> hits = model.find(QStringLiteral("199998"));
        QCOMPARE(hits.size(), size_t(1));
        const QModelIndex hit = model.indexForNode(hits[0]);
        QCOMPARE(model.path(hit), QStringLiteral("$.items[199998].id"));
        const qint64 findMs = timer.elapsed();
        qInfo("8 MB JSON: parse %lld ms, open %lld ms, find+reveal %lld ms", parseMs, openMs, findMs);
        QVERIFY(parseMs + openMs + findMs < 3000);
    }
};

QTEST_GUILESS_MAIN(TestJsonTreeModel)
#include "tst_jsontreemodel.moc"
