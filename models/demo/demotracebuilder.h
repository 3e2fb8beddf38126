#pragma once

#include "demorandom.h"
#include "demotext.h"
#include "domain/records.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace tg {

/// The kinds of app the demo traces come from.
enum class DemoScenario : quint8 {
    Support, ///< customer-support agent with tools (OpenAI format)
    Rag, ///< documentation Q&A chain: embed, retrieve, rerank, answer, judge
    Coding, ///< coding agent in a tool loop (Anthropic format)
    Research, ///< orchestrator with researcher and writer sub-agents
    Simple, ///< one batch completion
};

/// One earlier exchange of a session, replayed as chat history.
struct DemoTurn
{
    QString question;
    QString answer;
};

/// Trace-level results of one scenario run.
struct DemoTraceInfo
{
    QString name;
    QStringList tags;
    QByteArray input;
    QByteArray output;
    qint64 endNs = 0;
    bool failed = false;
    std::vector<int> judged; ///< observations an evaluator scored (index into records())
};

/// Tool definitions as OpenAI ("tools" of a chat request) or Anthropic writes them.
QByteArray demoToolDefinitions(const QStringList &names, bool anthropic);

/// Builds the observations of one trace (internal to DemoGenerator). Records are created
/// parents first; times nest (children inside parents).
class DemoTraceBuilder
{
public:
    DemoTraceBuilder(DemoRandom &rng, QString traceId, QString environment, int payloadBytes);

    std::vector<ObservationRecord> &records() { return m_records; }
    int count() const { return static_cast<int>(m_records.size()); }
    ObservationRecord &record(int index) { return m_records[static_cast<size_t>(index)]; }
    qint64 endOf(int index) const { return *m_records[static_cast<size_t>(index)].endNs; }

    /// Starts an observation under `parent` (-1 for the top level); returns its index.
    int open(ObservationType type, const QString &name, int parent, qint64 startNs);
    /// Sets the end (and the level/status when given).
    void close(int index, qint64 endNs);
    void fail(int index, Level level, const QString &statusMessage);

    DemoTraceInfo run(
        DemoScenario scenario, qint64 startNs, const std::vector<DemoTurn> &history, const DemoTurn &turn);
    /// One step of a long agent run under `parent`, using at most `budget` observations
    /// (decremented); returns the step's end time.
    qint64 hugeStep(int parent, qint64 startNs, int step, int &budget);

    /// An answer text for a turn, sized like the configured payloads.
    QString answerText(DemoRandom &rng) const;

private:
    enum class Format { OpenAI, Anthropic };
    struct Call
    {
        QString id;
        QString tool;
        QByteArray arguments; ///< JSON object text
    };
    struct GenerationSpec
    {
        QString name;
        QString model;
        Format format = Format::OpenAI;
        QByteArray input;
        QByteArray output;
        QByteArray modelParameters;
        qint64 inputTokens = 0; ///< fresh input tokens
        qint64 cachedTokens = 0;
        qint64 outputTokens = 0;
        qint64 reasoningTokens = 0;
        QString promptName;
        int promptVersion = 0;
    };

    int generation(int parent, qint64 startNs, const GenerationSpec &spec);
    int tool(int parent, qint64 startNs, const Call &call, const QByteArray &result, qint64 durationNs);
    int embedding(int parent, qint64 startNs, const QString &text);
    int retriever(int parent, qint64 startNs, const QString &name, const QString &query, int documents);
    int guardrail(int parent, qint64 startNs, const QString &name, bool flag);
    int event(int parent, qint64 atNs, const QString &name, const QByteArray &metadata);

    DemoTraceInfo support(qint64 start, const std::vector<DemoTurn> &history, const DemoTurn &turn);
    DemoTraceInfo rag(qint64 start, const std::vector<DemoTurn> &history, const DemoTurn &turn);
    DemoTraceInfo coding(qint64 start, const std::vector<DemoTurn> &history, const DemoTurn &turn);
    DemoTraceInfo research(qint64 start, const DemoTurn &turn);
    DemoTraceInfo simple(qint64 start, const DemoTurn &turn);

    // Payload pieces (OpenAI chat format unless named otherwise).
    QByteArray message(const char *role, QStringView content) const;
    QByteArray toolCallMessage(const std::vector<Call> &calls) const;
    QByteArray toolResultMessage(const Call &call, const QByteArray &result) const;
    QByteArray openAiInput(const QByteArrayList &messages, const QByteArray &tools) const;
    QByteArray anthropicInput(
        const QString &system, const QByteArrayList &messages, const QByteArray &tools) const;
    QByteArray anthropicOutput(const QString &model, const QString &text, const std::vector<Call> &calls,
        qint64 inputTokens, qint64 outputTokens) const;
    QByteArrayList history(const std::vector<DemoTurn> &turns) const;
    static QByteArray anthropicText(const char *role, QStringView text);
    static QByteArray openAiParameters(double temperature, int maxTokens, const QByteArray &extra = {});
    /// The question padded with prose so a request of `used` bytes so far reaches the payload size.
    QString padded(const QString &question, qsizetype used) const;
    Call makeCall(const QString &tool, const QByteArray &arguments, Format format);
    qint64 tokensFor(qsizetype bytes) const { return std::max<qint64>(1, bytes / 4); }

    DemoRandom &m_rng;
    QString m_traceId;
    QString m_environment;
    int m_payloadBytes;
    std::vector<ObservationRecord> m_records;
};

} // namespace tg
