// Gzip-compressed trace files: a .gz file (recognised by its first bytes, whatever its name) reads
// like its content; multi-member files and zero padding are fine; a truncated or corrupt file keeps
// what came before the damage, with a located problem; cancelling, the size limit and an unwritable
// scratch folder end cleanly; the temporary copy never outlives the read.
#include "formats/gzip.h"
#include "formats/otlpjsonwriter.h"
#include "formats/tracefileformat.h"
#include "formats/tracefileimporter.h"
#include "otlptestutil.h"
#include "storetestutil.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tg;
using namespace otlptest;
using test::writeFile;

namespace {

// One line of OTLP JSON: `spans` spans in one trace, ids derived from `seed`, with a padded input
// so that a few lines make a file big enough to cut in the middle of a deflate stream.
QByteArray otlpLine(int seed, int spans)
{
    Request request;
    set(resourceAttributes(request), "service.name", "gz");
    const QByteArray traceHex = QByteArray::number(0x7000 + seed, 16).rightJustified(32, '0');
    for (int i = 0; i < spans; ++i) {
        const QByteArray spanHex = QByteArray::number(0x200000 + seed * 1000 + i, 16).rightJustified(16, '0');
        Span &span = addSpan(request, spanHex.constData(), nullptr, "step", traceHex.constData());
        // Varied text: a repeated one would compress to nothing and leave nothing to cut.
        QByteArray input;
        for (int k = 0; k < 40; ++k)
            input += QByteArray::number((seed * 7919 + i * 104729 + k * 1299709) % 1000003) + ' ';
        set(span.mutable_attributes(), "langfuse.observation.input", input.constData());
    }
    return OtlpJsonWriter::write(request) + '\n';
}

QByteArray jsonLines(int firstSeed, int lines, int spansPerLine = 3)
{
    QByteArray out;
    for (int i = 0; i < lines; ++i)
        out += otlpLine(firstSeed + i, spansPerLine);
    return out;
}

struct Read
{
    TraceFileImportResult result;
    QStringList ids;
};

Read readAll(
    const QString &path, TraceFileImportOptions options = {}, const std::atomic<bool> *cancel = nullptr)
{
    Read out;
    options.unitBytes = 2048;
    options.readChunkBytes = 1000;
    options.decodeThreads = 2;
    out.result = TraceFileImporter::readFile(
        path,
        [&out](WriteBatch &&batch, QString *) {
            for (const auto &o : batch.observations)
                out.ids << o.id;
            return true;
        },
        options, cancel);
    out.ids.sort();
    return out;
}

QString describe(const TraceFileImportResult &result)
{
    QStringList lines { result.error };
    for (const auto &p : result.problems)
        lines << p.toString();
    return lines.join(u'\n');
}

} // namespace

class TestGzipFiles : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QTemporaryDir m_scratch;

    TraceFileImportOptions scratchOptions() const
    {
        TraceFileImportOptions options;
        options.scratchDir = m_scratch.path();
        return options;
    }

    int scratchFiles() const { return int(QDir(m_scratch.path()).entryList(QDir::Files).size()); }

private slots:
    void gzipFileReadsLikeItsContent()
    {
        const QByteArray plain = jsonLines(1, 12);
        const Read expected = readAll(writeFile(m_dir, QStringLiteral("spans.jsonl"), plain));
        QVERIFY2(expected.result.ok, qPrintable(describe(expected.result)));
        QCOMPARE(expected.ids.size(), 36);

        const QString path = writeFile(m_dir, QStringLiteral("spans.jsonl.gz"), gzipCompress(plain));
        const Read got = readAll(path, scratchOptions());
        QVERIFY2(got.result.ok, qPrintable(describe(got.result)));
        QVERIFY(got.result.gzip);
        QVERIFY(!expected.result.gzip);
        QCOMPARE(int(got.result.format), int(TraceFileFormat::OtlpJsonLines));
        QCOMPARE(got.ids, expected.ids);
        QCOMPARE(got.result.problemCount, 0);
        QCOMPARE(got.result.fileSize, qint64(plain.size())); // sizes are of the content
        QVERIFY2(got.result.summary().contains(u"(OTLP JSON Lines, gzip)"), qPrintable(got.result.summary()));
        QCOMPARE(scratchFiles(), 0); // the inflated copy is gone
    }

    void gzipIsRecognisedByContentNotName()
    {
        const QByteArray plain = jsonLines(100, 4);
        const Read got
            = readAll(writeFile(m_dir, QStringLiteral("download"), gzipCompress(plain)), scratchOptions());
        QVERIFY2(got.result.ok, qPrintable(describe(got.result)));
        QVERIFY(got.result.gzip);
        QCOMPARE(got.ids.size(), 12);
    }

    void multipleMembersAndZeroPadding()
    {
        const QByteArray first = jsonLines(200, 3);
        const QByteArray second = jsonLines(300, 5);
        const QByteArray file = gzipCompress(first) + gzipCompress(second) + QByteArray(1500, '\0');
        const Read got
            = readAll(writeFile(m_dir, QStringLiteral("members.jsonl.gz"), file), scratchOptions());
        QVERIFY2(got.result.ok, qPrintable(describe(got.result)));
        QCOMPARE(got.ids.size(), 24);
        QCOMPARE(got.result.problemCount, 0);
    }

    void trailingGarbageIsAProblemNotALoss()
    {
        const QByteArray file = gzipCompress(jsonLines(400, 5)) + "this is not gzip";
        const Read got
            = readAll(writeFile(m_dir, QStringLiteral("trailing.jsonl.gz"), file), scratchOptions());
        QVERIFY(got.result.ok);
        QCOMPARE(got.ids.size(), 15);
        QCOMPARE(got.result.problemCount, 1);
        QVERIFY2(
            describe(got.result).contains(u"not gzip; they were ignored"), qPrintable(describe(got.result)));
    }

    void truncatedFileKeepsWhatCameBefore()
    {
        const QByteArray plain = jsonLines(500, 40);
        const Read whole = readAll(writeFile(m_dir, QStringLiteral("whole.jsonl"), plain));
        const QByteArray gz = gzipCompress(plain);
        const QString path = writeFile(m_dir, QStringLiteral("cut.jsonl.gz"), gz.left(gz.size() * 6 / 10));
        const Read got = readAll(path, scratchOptions());
        QVERIFY2(got.result.ok, qPrintable(describe(got.result)));
        QVERIFY2(got.ids.size() > 30 && got.ids.size() < whole.ids.size(),
            qPrintable(QString::number(got.ids.size())));
        for (const QString &id : got.ids)
            QVERIFY(whole.ids.contains(id)); // nothing made up from the damaged end
        const QString problems = describe(got.result);
        QVERIFY2(problems.contains(u"the gzip data ends early"), qPrintable(problems));
        QVERIFY2(problems.contains(u"what came before was read"), qPrintable(problems));
        // The cut line is a problem of its own, located by line.
        QVERIFY2(got.result.problemCount >= 1, qPrintable(problems));
        QCOMPARE(scratchFiles(), 0);
    }

    void corruptDataKeepsWhatCameBefore()
    {
        const QByteArray plain = jsonLines(600, 40);
        QByteArray gz = gzipCompress(plain);
        for (qsizetype i = gz.size() / 2; i < gz.size() / 2 + 64; ++i)
            gz[i] = char(~gz[i]);
        const Read got = readAll(writeFile(m_dir, QStringLiteral("corrupt.jsonl.gz"), gz), scratchOptions());
        QVERIFY2(got.result.ok, qPrintable(describe(got.result)));
        QVERIFY(got.ids.size() > 0);
        QVERIFY(got.ids.size() < 120);
        QVERIFY2(describe(got.result).contains(u"the gzip data is corrupt at byte"),
            qPrintable(describe(got.result)));
    }

    void unreadableGzipIsAnError()
    {
        // A gzip header followed by nothing useful: nothing to read, so an error, not a problem.
        QByteArray garbage("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
        garbage += QByteArray(64, '\xff');
        const Read got
            = readAll(writeFile(m_dir, QStringLiteral("garbage.json.gz"), garbage), scratchOptions());
        QVERIFY(!got.result.ok);
        QVERIFY2(got.result.error.contains(u"gzip data is corrupt"), qPrintable(got.result.error));
        QVERIFY(got.ids.isEmpty());

        const QByteArray header("\x1f\x8b\x08", 3);
        const Read empty = readAll(writeFile(m_dir, QStringLiteral("header.gz"), header), scratchOptions());
        QVERIFY(!empty.result.ok);
        QVERIFY2(empty.result.error.contains(u"ends early"), qPrintable(empty.result.error));
        QCOMPARE(scratchFiles(), 0);
    }

    void sizeLimitStopsDecompressing()
    {
        const QByteArray plain = jsonLines(700, 20);
        TraceFileImportOptions options = scratchOptions();
        options.maxInflatedBytes = plain.size() / 2;
        const Read got
            = readAll(writeFile(m_dir, QStringLiteral("limited.jsonl.gz"), gzipCompress(plain)), options);
        QVERIFY(got.result.ok);
        QVERIFY(got.ids.size() > 0 && got.ids.size() < 60);
        QVERIFY2(describe(got.result).contains(u"the limit for one file"), qPrintable(describe(got.result)));
    }

    void unwritableScratchFolderIsAnError()
    {
        TraceFileImportOptions options;
        options.scratchDir = m_dir.filePath(QStringLiteral("no/such/folder"));
        const Read got = readAll(
            writeFile(m_dir, QStringLiteral("scratch.jsonl.gz"), gzipCompress(jsonLines(800, 2))), options);
        QVERIFY(!got.result.ok);
        QVERIFY2(got.result.error.contains(u"cannot create a file in"), qPrintable(got.result.error));
    }

    void cancelledWhileDecompressing()
    {
        std::atomic<bool> cancel { true };
        const Read got
            = readAll(writeFile(m_dir, QStringLiteral("cancel.jsonl.gz"), gzipCompress(jsonLines(900, 5))),
                scratchOptions(), &cancel);
        QVERIFY(got.result.cancelled);
        QVERIFY(got.ids.isEmpty());
        QCOMPARE(scratchFiles(), 0);
    }

    void inflaterStreamsInChunksWithProgress()
    {
        const QByteArray plain = jsonLines(1000, 30);
        const QString path = writeFile(m_dir, QStringLiteral("chunks.gz"), gzipCompress(plain));
        QBuffer out;
        out.open(QIODevice::WriteOnly);
        GzipInflateOptions options;
        options.chunkBytes = 256;
        QList<qint64> reads;
        qint64 size = 0;
        options.progress = [&](qint64 read, qint64 total) {
            reads << read;
            size = total;
        };
        const GzipFileInflation inflation = inflateGzipFile(path, out, options);
        QVERIFY2(inflation.problem.isEmpty(), qPrintable(inflation.problem));
        QCOMPARE(out.data(), plain);
        QCOMPARE(inflation.inflatedBytes, qint64(plain.size()));
        QCOMPARE(inflation.compressedRead, QFileInfo(path).size());
        QCOMPARE(size, QFileInfo(path).size());
        QVERIFY(reads.size() > 10);
        QVERIFY(std::is_sorted(reads.begin(), reads.end()));
        QVERIFY(reads.last() <= size);

        QBuffer unused;
        unused.open(QIODevice::WriteOnly);
        QVERIFY(!inflateGzipFile(m_dir.filePath(QStringLiteral("missing.gz")), unused).error.isEmpty());
        QVERIFY(!isGzipFile(m_dir.filePath(QStringLiteral("missing.gz"))));
        QVERIFY(hasGzipMagic(gzipCompress("x")));
        QVERIFY(!hasGzipMagic("{\"resourceSpans\":[]}"));
    }

    void importIntoStoreKeepsTheGzipPathAsSource()
    {
        const QString path
            = writeFile(m_dir, QStringLiteral("store.jsonl.gz"), gzipCompress(jsonLines(1100, 10, 4)));
        auto store = test::openTempStore(m_dir, QStringLiteral("gz.db"));
        QVERIFY(store);
        const TraceFileImportResult result = TraceFileImporter::importFile(*store, path, scratchOptions());
        QVERIFY2(result.ok, qPrintable(describe(result)));
        QCOMPARE(result.observations, 40);
        auto reader = store->reader();
        const auto source = reader->sourceByKey(TraceFileImporter::sourceKey(path));
        QVERIFY(source);
        QCOMPARE(source->name, QStringLiteral("store.jsonl.gz"));
        TraceFilter filter;
        filter.sourceIds = { source->id };
        QCOMPARE(reader->countTraces(filter), 10);
        QCOMPARE(scratchFiles(), 0);
    }
};

QTEST_GUILESS_MAIN(TestGzipFiles)
#include "tst_gzipfiles.moc"
