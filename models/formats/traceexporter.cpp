#include "traceexporter.h"

#include "formats/isotime.h"
#include "formats/langfusejsonwriter.h"
#include "formats/otlpjsonwriter.h"
#include "store/exportreader.h"
#include "store/readerpool.h"
#include "store/storereader.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QIODevice>
#include <QLocale>
#include <QSaveFile>
#include <QSet>
#include <QtEndian>

namespace tg {

namespace {

constexpr qsizetype kFlushBytes = 4 * 1024 * 1024;

void csvField(QByteArray &out, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    if (!utf8.contains(',') && !utf8.contains('"') && !utf8.contains('\n') && !utf8.contains('\r')) {
        out.append(utf8);
        return;
    }
    out.append('"');
    for (const char c : utf8) {
        if (c == '"')
            out.append('"');
        out.append(c);
    }
    out.append('"');
}

} // namespace

QString exportFormatKey(ExportFormat format)
{
    switch (format) {
    case ExportFormat::OtlpJson:
        return QStringLiteral("otlp-json");
    case ExportFormat::OtlpJsonLines:
        return QStringLiteral("otlp-jsonl");
    case ExportFormat::OtlpProtobuf:
        return QStringLiteral("otlp-protobuf");
    case ExportFormat::LangfuseJson:
        return QStringLiteral("langfuse-json");
    case ExportFormat::Csv:
        return QStringLiteral("csv");
    }
    return QString();
}

std::optional<ExportFormat> exportFormatFromKey(const QString &key)
{
    for (const ExportFormat format : { ExportFormat::OtlpJson, ExportFormat::OtlpJsonLines,
             ExportFormat::OtlpProtobuf, ExportFormat::LangfuseJson, ExportFormat::Csv }) {
        if (exportFormatKey(format) == key.trimmed().toLower())
            return format;
    }
    return std::nullopt;
}

QString exportFormatLabel(ExportFormat format)
{
    switch (format) {
    case ExportFormat::OtlpJson:
        return QStringLiteral("OTLP JSON");
    case ExportFormat::OtlpJsonLines:
        return QStringLiteral("OTLP JSON Lines");
    case ExportFormat::OtlpProtobuf:
        return QStringLiteral("OTLP protobuf");
    case ExportFormat::LangfuseJson:
        return QStringLiteral("Langfuse JSON");
    case ExportFormat::Csv:
        return QStringLiteral("CSV (traces table)");
    }
    return QString();
}

QString exportFormatSuffix(ExportFormat format)
{
    switch (format) {
    case ExportFormat::OtlpJson:
        return QStringLiteral(".otlp.json");
    case ExportFormat::OtlpJsonLines:
        return QStringLiteral(".otlp.jsonl");
    case ExportFormat::OtlpProtobuf:
        return QStringLiteral(".otlp.pb");
    case ExportFormat::LangfuseJson:
        return QStringLiteral(".langfuse.json");
    case ExportFormat::Csv:
        return QStringLiteral(".csv");
    }
    return QString();
}

QString ExportResult::summary() const
{
    const QLocale locale;
    QString text
        = QStringLiteral("%1 traces, %2 observations, %3 in %4 s")
              .arg(locale.toString(traces), locale.toString(observations), locale.formattedDataSize(bytes))
              .arg(seconds, 0, 'f', 1);
    if (cancelled)
        text += QStringLiteral("; cancelled");
    if (!error.isEmpty())
        text += QStringLiteral("; ") + error;
    return text;
}

std::vector<qint64> TraceExporter::resolve(
    StoreReader &reader, const ExportSelection &selection, QString *error)
{
    ExportReader exportReader(reader);
    std::vector<qint64> keys;
    QSet<qint64> seen;
    auto add = [&](qint64 rk) {
        if (!seen.contains(rk)) {
            seen.insert(rk);
            keys.push_back(rk);
        }
    };
    if (selection.query) {
        QString queryError;
        for (const qint64 rk : exportReader.traceRowKeys(*selection.query, &queryError))
            add(rk);
        if (!queryError.isEmpty()) {
            if (error)
                *error = queryError;
            return {};
        }
    }
    for (const auto &[sourceId, sessionId] : selection.sessions) {
        for (const qint64 rk : exportReader.sessionTraceRowKeys(sourceId, sessionId))
            add(rk);
    }
    for (const qint64 rk : selection.traceRks)
        add(rk);
    return keys;
}

ExportResult TraceExporter::write(StoreReader &reader, const ExportSelection &selection,
    const ExportOptions &options, QIODevice &out, const std::atomic<bool> *cancel, const Progress &progress)
{
    ExportResult result;
    QElapsedTimer timer;
    timer.start();
    const ExportRedactor redactor(options.redaction);
    if (!redactor.isValid(&result.error))
        return result;
    const std::vector<qint64> keys = resolve(reader, selection, &result.error);
    if (!result.error.isEmpty())
        return result;

    QByteArray buffer;
    buffer.reserve(kFlushBytes + kFlushBytes / 4);
    bool writeFailed = false;
    auto flush = [&](bool force) {
        if (writeFailed || (!force && buffer.size() < kFlushBytes))
            return;
        if (out.write(buffer) != buffer.size()) {
            writeFailed = true;
            result.error = QStringLiteral("cannot write: %1").arg(out.errorString());
        }
        result.bytes += buffer.size();
        buffer.resize(0); // keeps the allocation for the next round
    };
    QElapsedTimer lastProgress;
    lastProgress.start();
    auto report = [&](qint64 done, bool force) {
        if (progress && (force || lastProgress.elapsed() >= 100)) {
            lastProgress.restart();
            progress(ExportProgress { done, qint64(keys.size()), result.bytes + buffer.size() });
        }
    };
    auto cancelled = [&] { return cancel && cancel->load(); };

    if (options.format == ExportFormat::Csv) {
        QHash<qint64, QString> sourceNames;
        for (const Source &source : reader.sources(false))
            sourceNames.insert(source.id, source.name);
        buffer.append(
            "trace_id,timestamp,name,user_id,session_id,tags,latency_ms,input_tokens,output_tokens,"
            "total_tokens,cost_usd,level,observations,errors,warnings,environment,release,version,agent,"
            "source\r\n");
        constexpr int kPage = 1000;
        for (size_t i = 0; i < keys.size() && !writeFailed; i += kPage) {
            if (cancelled()) {
                result.cancelled = true;
                break;
            }
            QList<qint64> page;
            for (size_t j = i; j < std::min(keys.size(), i + kPage); ++j)
                page.append(keys[j]);
            for (TraceRow &row : reader.tracesByRowKeys(page)) {
                const bool mask = redactor.isActive();
                csvField(buffer, row.id);
                buffer.append(',');
                if (row.timestampNs != kUnknownTime)
                    appendIsoTimestamp(buffer, row.timestampNs);
                buffer.append(',');
                csvField(buffer, mask ? redactor.maskText(row.name) : row.name);
                buffer.append(',');
                csvField(buffer, mask ? redactor.maskText(row.userId) : row.userId);
                buffer.append(',');
                csvField(buffer, mask ? redactor.maskText(row.sessionId) : row.sessionId);
                buffer.append(',');
                csvField(buffer, row.tags.join(u';'));
                buffer.append(',');
                if (row.latencyNs != kUnknownTime)
                    buffer.append(QByteArray::number(double(row.latencyNs) / 1e6, 'f', 3));
                buffer.append(',');
                buffer.append(QByteArray::number(row.inputTokens) + ',' + QByteArray::number(row.outputTokens)
                    + ',' + QByteArray::number(row.totalTokens) + ',');
                buffer.append(QByteArray::number(row.cost, 'g', 12));
                buffer.append(',');
                buffer.append(levelName(row.level).toUtf8());
                buffer.append(',' + QByteArray::number(row.observationCount) + ','
                    + QByteArray::number(row.errorCount) + ',' + QByteArray::number(row.warningCount) + ',');
                csvField(buffer, row.environment);
                buffer.append(',');
                csvField(buffer, row.release);
                buffer.append(',');
                csvField(buffer, row.version);
                buffer.append(',');
                csvField(buffer, row.agent);
                buffer.append(',');
                csvField(buffer, sourceNames.value(row.sourceId));
                buffer.append("\r\n");
                ++result.traces;
                result.observations += row.observationCount;
            }
            flush(false);
            report(result.traces, false);
        }
    } else {
        ExportReader exportReader(reader);
        OtlpExportBuilder builder(options.otlp);
        TraceBundle bundle;
        bool first = true;
        const bool otlp = options.format != ExportFormat::LangfuseJson;
        if (options.format == ExportFormat::OtlpJson)
            buffer.append("{\"resourceSpans\":[");
        else if (options.format == ExportFormat::LangfuseJson)
            buffer.append("[\n");
        auto emitRequest = [&] {
            if (builder.isEmpty())
                return;
            const OtlpExportBuilder::Request &request = builder.request();
            switch (options.format) {
            case ExportFormat::OtlpJson:
                buffer.append('\n');
                OtlpJsonWriter::appendResourceSpans(buffer, request, first);
                break;
            case ExportFormat::OtlpJsonLines:
                OtlpJsonWriter::append(buffer, request);
                buffer.append('\n');
                break;
            case ExportFormat::OtlpProtobuf: {
                // Serialised in place behind its length: no intermediate string.
                const size_t size = request.ByteSizeLong();
                const qsizetype at = buffer.size();
                buffer.resize(at + 4 + qsizetype(size));
                auto *target = reinterpret_cast<quint8 *>(buffer.data() + at);
                qToBigEndian(quint32(size), target);
                request.SerializeWithCachedSizesToArray(target + 4);
                break;
            }
            default:
                break;
            }
            builder.clear();
            flush(false);
        };
        qint64 done = 0;
        for (const qint64 rk : keys) {
            if (writeFailed)
                break;
            if (cancelled()) {
                result.cancelled = true;
                break;
            }
            ++done;
            if (!exportReader.readTrace(rk, bundle, 0, true, !otlp))
                continue; // deleted since the selection was made
            redactor.apply(bundle);
            ++result.traces;
            result.observations += qint64(bundle.observations.size());
            result.scores += qint64(bundle.scores.size());
            if (otlp) {
                builder.addTrace(bundle.trace, bundle.observations);
                if (builder.spanCount() >= options.spansPerRequest
                    || builder.approximateBytes() >= 16 * 1024 * 1024)
                    emitRequest();
            } else {
                if (!first)
                    buffer.append(",\n");
                first = false;
                LangfuseJsonWriter::appendTrace(buffer, bundle);
                flush(false);
            }
            report(done, false);
        }
        if (!result.cancelled && !writeFailed) {
            emitRequest();
            if (options.format == ExportFormat::OtlpJson)
                buffer.append("\n]}\n");
            else if (options.format == ExportFormat::LangfuseJson)
                buffer.append("\n]\n");
        }
    }
    flush(true);
    report(result.traces, true);
    result.ok = !writeFailed && !result.cancelled;
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    return result;
}

ExportResult TraceExporter::writeFile(std::shared_ptr<ReaderPool> readers, const ExportSelection &selection,
    const ExportOptions &options, const QString &path, const std::atomic<bool> *cancel,
    const Progress &progress)
{
    ExportResult result;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        result.error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return result;
    }
    ReaderLease reader = readers->lease();
    if (!reader) {
        result.error = QStringLiteral("cannot read the store");
        return result;
    }
    result = write(*reader, selection, options, file, cancel, progress);
    if (!result.ok) {
        file.cancelWriting();
        return result;
    }
    if (!file.commit()) {
        result.ok = false;
        result.error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    }
    return result;
}

} // namespace tg
