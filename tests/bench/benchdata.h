#pragma once
// Synthetic but realistic ingest data for the store benchmarks: agent traces with nested
// observations whose inputs and outputs are chat messages of about 1 KB made of real words, so
// that the full-text index sees a natural term distribution.

#include "domain/records.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QString>

#include <array>

namespace tg::bench {

/// Where benchmarks keep the data they build once ($TRACEGLASS_BENCH_DIR, default
/// /tmp/traceglass-bench).
inline QString benchDir()
{
    const QString dir = qEnvironmentVariable("TRACEGLASS_BENCH_DIR", QStringLiteral("/tmp/traceglass-bench"));
    QDir().mkpath(dir);
    return dir;
}

/// Deletes a store and everything beside it (WAL, shared memory, full-text index).
inline void removeStoreFiles(const QString &path)
{
    for (const QString &suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm"),
             QStringLiteral(".fts"), QStringLiteral(".fts-wal"), QStringLiteral(".fts-shm") })
        QFile::remove(path + suffix);
}

inline const std::array<const char *, 64> kWords {
    "the",
    "model",
    "agent",
    "tool",
    "weather",
    "forecast",
    "search",
    "result",
    "customer",
    "order",
    "refund",
    "policy",
    "invoice",
    "account",
    "password",
    "reset",
    "email",
    "address",
    "shipping",
    "delay",
    "error",
    "timeout",
    "retry",
    "database",
    "query",
    "index",
    "latency",
    "budget",
    "token",
    "prompt",
    "summary",
    "document",
    "section",
    "paragraph",
    "citation",
    "source",
    "answer",
    "question",
    "context",
    "memory",
    "planner",
    "executor",
    "critic",
    "review",
    "approve",
    "reject",
    "schedule",
    "meeting",
    "calendar",
    "travel",
    "flight",
    "hotel",
    "booking",
    "payment",
    "card",
    "declined",
    "balance",
    "transfer",
    "report",
    "quarterly",
    "revenue",
    "forecast",
    "growth",
    "churn",
};

inline const std::array<const char *, 6> kModels { "gpt-4o", "gpt-4o-mini", "claude-sonnet-4",
    "gemini-2.5-flash", "o3-mini", "llama-3.3-70b" };

inline QByteArray sentence(QRandomGenerator &rng, int bytes)
{
    QByteArray out;
    out.reserve(bytes + 16);
    while (out.size() < bytes) {
        out += kWords[rng.bounded(static_cast<int>(kWords.size()))];
        out += ' ';
    }
    return out;
}

inline QByteArray chatInput(QRandomGenerator &rng, int bytes)
{
    return QByteArray(
               R"([{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":")")
        + sentence(rng, bytes - 100) + "\"}]";
}

inline QByteArray chatOutput(QRandomGenerator &rng, int bytes)
{
    return QByteArray(R"({"role":"assistant","content":")") + sentence(rng, bytes - 40) + "\"}";
}

inline QString hexId(QRandomGenerator &rng, int bytes)
{
    static const char digits[] = "0123456789abcdef";
    QString id;
    id.reserve(bytes * 2);
    for (int i = 0; i < bytes * 2; ++i)
        id.append(QLatin1Char(digits[rng.bounded(16)]));
    return id;
}

/// One trace of `observations` observations (agent -> tools -> generations), about
/// `payloadBytes` of input plus output each.
inline void appendTrace(WriteBatch &batch, QRandomGenerator &rng, qint64 startNs, int observations,
    int payloadBytes, const QString &traceName = QString())
{
    const QString traceId = hexId(rng, 16);
    TraceRecord trace;
    trace.id = traceId;
    trace.name = traceName.isEmpty() ? QStringLiteral("agent-run-%1").arg(rng.bounded(40)) : traceName;
    trace.userId = QStringLiteral("user-%1").arg(rng.bounded(500));
    trace.sessionId = QStringLiteral("session-%1").arg(rng.bounded(5000));
    trace.environment = rng.bounded(4) == 0 ? QStringLiteral("staging") : QStringLiteral("production");
    trace.timestampNs = startNs;
    batch.traces.push_back(trace);
    QString rootId;
    QString toolId;
    for (int i = 0; i < observations; ++i) {
        ObservationRecord o;
        o.id = hexId(rng, 8);
        o.traceId = traceId;
        o.startNs = startNs + i * 1'000'000LL;
        o.endNs = *o.startNs + rng.bounded(1'000'000, 900'000'000);
        if (i == 0) {
            o.type = ObservationType::Agent;
            o.name = QStringLiteral("agent");
            rootId = o.id;
        } else if (i % 3 == 1) {
            o.type = ObservationType::Tool;
            o.name = QStringLiteral("tool-%1").arg(rng.bounded(12));
            o.parentId = rootId;
            toolId = o.id;
        } else {
            o.type = ObservationType::Generation;
            o.name = QStringLiteral("llm-call");
            o.parentId = toolId.isEmpty() ? rootId : toolId;
            o.model = QString::fromLatin1(kModels[rng.bounded(static_cast<int>(kModels.size()))]);
            o.usage.set(QStringLiteral("input"), rng.bounded(100, 4000));
            o.usage.set(QStringLiteral("input_cached_tokens"), rng.bounded(0, 1000));
            o.usage.set(QStringLiteral("output"), rng.bounded(10, 800));
            o.usage.set(QStringLiteral("output_reasoning_tokens"), rng.bounded(0, 200));
            o.cost.set(QStringLiteral("total"), rng.bounded(1.0) * 0.02);
            o.modelParameters = R"({"temperature":0.2,"max_tokens":1024})";
        }
        if (rng.bounded(100) == 0)
            o.level = Level::Error;
        o.input = chatInput(rng, payloadBytes * 6 / 10);
        o.output = chatOutput(rng, payloadBytes * 4 / 10);
        batch.observations.push_back(std::move(o));
    }
}

} // namespace tg::bench
