#pragma once
// Helpers for the files GUI tests: OTLP JSON Lines files written by hand (so the tests do not
// depend on the exporter they check), and counts straight from the store.

#include "store/storereader.h"
#include "store/tracestore.h"

#include <QByteArray>
#include <QFile>
#include <QRandomGenerator>
#include <QString>

namespace tg::filestest {

constexpr qint64 kBaseNs = 1'790'000'000'000'000'000LL;

inline QByteArray hex(quint64 value, int width)
{
    return QByteArray::number(value, 16).rightJustified(width, '0');
}

/// An API-key-shaped string generated per run, planted in inputs for the redaction checks.
inline const QByteArray &apiKey()
{
    static const QByteArray key = []() -> QByteArray {
        QByteArray value("sk-proj-");
        for (int i = 0; i < 26; ++i)
            value += "abcdefghijklmnopqrstuvwxyz0123456789"[QRandomGenerator::global()->bounded(36)];
        return value;
    }();
    return key;
}

inline QByteArray attribute(const char *key, const QByteArray &value)
{
    QByteArray escaped = value;
    escaped.replace("\\", "\\\\").replace("\"", "\\\"");
    return QByteArray(R"({"key":")") + key + R"(","value":{"stringValue":")" + escaped + R"("}})";
}

/// One OTLP JSON request on one line: `traces` traces of `spans` spans each (a root and its
/// children), ids derived from `seed`. Roots carry an input with an e-mail address, an API key
/// and an order number, so redaction has something to find.
inline QByteArray otlpLine(int seed, int traces, int spans, const QByteArray &service = "checkout")
{
    QByteArray out = R"({"resourceSpans":[{"resource":{"attributes":[)" + attribute("service.name", service)
        + R"(]},"scopeSpans":[{"scope":{"name":"filestest"},"spans":[)";
    bool first = true;
    for (int t = 0; t < traces; ++t) {
        const quint64 traceNo = quint64(seed) * 1000 + quint64(t) + 1;
        const QByteArray traceId = hex(0xabc0000000000000ULL + traceNo, 32);
        const qint64 start = kBaseNs + qint64(traceNo) * 1'000'000'000LL;
        for (int s = 0; s < spans; ++s) {
            const QByteArray spanId = hex(traceNo * 100 + quint64(s) + 1, 16);
            const QByteArray parent = s == 0 ? QByteArray() : hex(traceNo * 100 + 1, 16);
            if (!first)
                out += ',';
            first = false;
            out += R"({"traceId":")" + traceId + R"(","spanId":")" + spanId + '"';
            if (!parent.isEmpty())
                out += R"(,"parentSpanId":")" + parent + '"';
            const QByteArray name = s == 0 ? "order " + QByteArray::number(traceNo) : QByteArray("step");
            out += R"(,"name":")" + name + R"(","kind":1,"startTimeUnixNano":")"
                + QByteArray::number(start + s * 1'000'000) + R"(","endTimeUnixNano":")"
                + QByteArray::number(start + s * 1'000'000 + 500'000) + R"(","attributes":[)";
            if (s == 0) {
                out += attribute("langfuse.observation.input",
                           "{\"q\":\"mail alice" + QByteArray::number(traceNo) + "@example.com, key "
                               + apiKey() + ", ORDER-" + QByteArray::number(4000 + traceNo) + "\"}")
                    + ',' + attribute("langfuse.observation.output", "\"shipped\"") + ','
                    + attribute("user.id", "u-" + QByteArray::number(traceNo % 3)) + ','
                    + attribute(
                        "session.id", "s-" + QByteArray::number((traceNo / 1000 + traceNo % 1000) % 4));
            } else {
                out += attribute("langfuse.observation.input", "\"sub-step\"");
            }
            out += "]}";
        }
    }
    out += "]}]}]}";
    return out;
}

inline bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

/// A JSON Lines file of `lines` requests with `tracesPerLine` traces of `spans` spans.
inline bool writeJsonl(const QString &path, int lines, int tracesPerLine, int spans, int seed = 1)
{
    QByteArray bytes;
    for (int i = 0; i < lines; ++i)
        bytes += otlpLine(seed + i, tracesPerLine, spans) + '\n';
    return writeBytes(path, bytes);
}

inline qint64 traceCount(TraceStore &store, qint64 sourceId)
{
    TraceQuery query;
    query.filter.sourceIds = { sourceId };
    ReaderLease reader = store.readerPool()->lease();
    return reader ? reader->countTraces(query.filter) : -1;
}

inline std::optional<Source> sourceForFile(TraceStore &store, const QString &key)
{
    ReaderLease reader = store.readerPool()->lease();
    return reader ? reader->sourceByKey(key) : std::nullopt;
}

} // namespace tg::filestest
