#include "demotracebuilder.h"

#include "demoprices.h"

#include <algorithm>
#include <array>

namespace tg {

using demotext::quoted;

namespace {

constexpr qint64 kMs = 1'000'000;

struct ToolDef
{
    const char *name;
    const char *description;
    const char *parameters; ///< JSON schema
};

constexpr std::array<ToolDef, 10> kTools { {
    { "lookup_order", "Look up an order by its number and return status, items and payment.",
        R"({"type":"object","properties":{"order_id":{"type":"string","description":"Order number"}},"required":["order_id"]})" },
    { "get_shipping_status", "Return the carrier tracking status for a shipment.",
        R"({"type":"object","properties":{"tracking_number":{"type":"string"}},"required":["tracking_number"]})" },
    { "issue_refund", "Refund all or part of an order.",
        R"({"type":"object","properties":{"order_id":{"type":"string"},"amount":{"type":"number"},"reason":{"type":"string"}},"required":["order_id","amount"]})" },
    { "search_kb", "Search the help-center articles.",
        R"({"type":"object","properties":{"query":{"type":"string"}},"required":["query"]})" },
    { "read_file", "Read a file from the repository.",
        R"({"type":"object","properties":{"path":{"type":"string"}},"required":["path"]})" },
    { "edit_file", "Replace a piece of text in a file.",
        R"({"type":"object","properties":{"path":{"type":"string"},"old_text":{"type":"string"},"new_text":{"type":"string"}},"required":["path","old_text","new_text"]})" },
    { "run_tests", "Run the test suite, or one test file.",
        R"({"type":"object","properties":{"path":{"type":"string"}}})" },
    { "grep", "Search the repository for a regular expression.",
        R"({"type":"object","properties":{"pattern":{"type":"string"}},"required":["pattern"]})" },
    { "web_search", "Search the web and return the top results.",
        R"({"type":"object","properties":{"query":{"type":"string"},"max_results":{"type":"integer"}},"required":["query"]})" },
    { "read_page", "Fetch a web page and return its main text.",
        R"({"type":"object","properties":{"url":{"type":"string"}},"required":["url"]})" },
} };

const ToolDef *findTool(const QString &name)
{
    for (const ToolDef &def : kTools) {
        if (name == QLatin1String(def.name))
            return &def;
    }
    return nullptr;
}

/// Output tokens per second, roughly as measured for these models.
double tokensPerSecond(const QString &model)
{
    if (model.startsWith(u"gemini-2.5-flash"))
        return 180;
    if (model.startsWith(u"gpt-4o-mini") || model.startsWith(u"claude-3-5-haiku"))
        return 110;
    if (model.startsWith(u"o4-mini"))
        return 120;
    if (model.startsWith(u"claude"))
        return 60;
    return 80;
}

} // namespace

QByteArray demoToolDefinitions(const QStringList &names, bool anthropic)
{
    QByteArray out = "[";
    for (const QString &name : names) {
        const ToolDef *def = findTool(name);
        if (!def)
            continue;
        if (out.size() > 1)
            out += ',';
        if (anthropic) {
            out += R"({"name":")" + QByteArray(def->name) + R"(","description":)"
                + quoted(QString::fromLatin1(def->description)) + R"(,"input_schema":)" + def->parameters
                + '}';
        } else {
            out += R"({"type":"function","function":{"name":")" + QByteArray(def->name)
                + R"(","description":)" + quoted(QString::fromLatin1(def->description)) + R"(,"parameters":)"
                + def->parameters + "}}";
        }
    }
    out += ']';
    return out;
}

DemoTraceBuilder::DemoTraceBuilder(DemoRandom &rng, QString traceId, QString environment, int payloadBytes)
    : m_rng(rng)
    , m_traceId(std::move(traceId))
    , m_environment(std::move(environment))
    , m_payloadBytes(std::max(64, payloadBytes))
{
}

int DemoTraceBuilder::open(ObservationType type, const QString &name, int parent, qint64 startNs)
{
    ObservationRecord r;
    r.id = m_rng.hex(16);
    r.traceId = m_traceId;
    if (parent >= 0)
        r.parentId = record(parent).id;
    r.type = type;
    r.name = name;
    r.startNs = startNs;
    r.environment = m_environment;
    r.level = Level::Default;
    m_records.push_back(std::move(r));
    return count() - 1;
}

void DemoTraceBuilder::close(int index, qint64 endNs)
{
    ObservationRecord &r = record(index);
    r.endNs = std::max(endNs, *r.startNs);
}

void DemoTraceBuilder::fail(int index, Level level, const QString &statusMessage)
{
    record(index).level = level;
    record(index).statusMessage = statusMessage;
}

int DemoTraceBuilder::generation(int parent, qint64 startNs, const GenerationSpec &spec)
{
    const int g = open(ObservationType::Generation, spec.name, parent, startNs);
    ObservationRecord &r = record(g);
    r.model = spec.model;
    r.input = spec.input;
    r.output = spec.output;
    r.modelParameters = spec.modelParameters;
    r.usage.set(QStringLiteral("input"), spec.inputTokens);
    if (spec.cachedTokens > 0)
        r.usage.set(QStringLiteral("input_cached_tokens"), spec.cachedTokens);
    r.usage.set(QStringLiteral("output"), spec.outputTokens);
    if (spec.reasoningTokens > 0)
        r.usage.set(QStringLiteral("output_reasoning_tokens"), spec.reasoningTokens);
    r.usage.set(QStringLiteral("total"),
        spec.inputTokens + spec.cachedTokens + spec.outputTokens + spec.reasoningTokens);
    r.cost = demoCostFor(spec.model, r.usage);
    if (!spec.promptName.isEmpty()) {
        r.promptName = spec.promptName;
        r.promptVersion = spec.promptVersion;
    }
    const double tps = tokensPerSecond(spec.model);
    const auto ttft = static_cast<qint64>(std::clamp(m_rng.logNormal(420, 1.6), 120.0, 6000.0) * kMs)
        + static_cast<qint64>(static_cast<double>(spec.reasoningTokens) / tps * 1e9);
    const auto streaming = static_cast<qint64>(static_cast<double>(spec.outputTokens) / tps * 1e9);
    r.completionStartNs = startNs + ttft;
    const char *provider = spec.format == Format::Anthropic ? "anthropic"
        : spec.model.startsWith(u"gemini")                  ? "google"
                                                            : "openai";
    r.metadata = R"({"provider":")" + QByteArray(provider) + R"(","request_id":"req_)"
        + m_rng.alnum(20).toLatin1() + R"(","sdk":"langfuse-python 3.2.1"})";
    close(g, startNs + ttft + streaming);
    return g;
}

int DemoTraceBuilder::tool(
    int parent, qint64 startNs, const Call &call, const QByteArray &result, qint64 durationNs)
{
    const int t = open(ObservationType::Tool, call.tool, parent, startNs);
    ObservationRecord &r = record(t);
    r.input = call.arguments;
    r.output = result;
    r.metadata = R"({"tool_call_id":")" + call.id.toLatin1() + R"(","tool.version":"2.3.0"})";
    close(t, startNs + durationNs);
    return t;
}

int DemoTraceBuilder::embedding(int parent, qint64 startNs, const QString &text)
{
    const int e = open(ObservationType::Embedding, QStringLiteral("embed-query"), parent, startNs);
    ObservationRecord &r = record(e);
    r.model = QStringLiteral("text-embedding-3-small");
    r.modelParameters = R"({"dimensions":1536,"encoding_format":"float"})";
    r.input = R"({"input":)" + quoted(text) + '}';
    r.output = R"({"embedding_dimensions":1536,"count":1})";
    const qint64 tokens = tokensFor(text.size());
    r.usage.set(QStringLiteral("input"), tokens);
    r.usage.set(QStringLiteral("total"), tokens);
    r.cost = demoCostFor(r.model, r.usage);
    close(e, startNs + m_rng.range(40, 220) * kMs);
    return e;
}

int DemoTraceBuilder::retriever(
    int parent, qint64 startNs, const QString &name, const QString &query, int documents)
{
    const int ret = open(ObservationType::Retriever, name, parent, startNs);
    const int embed = embedding(ret, startNs + 2 * kMs, query);
    const int search
        = open(ObservationType::Span, QStringLiteral("vector-store.query"), ret, endOf(embed) + kMs);
    record(search).metadata
        = R"({"db.system":"pgvector","db.operation":"SELECT","top_k":)" + QByteArray::number(documents) + '}';
    close(search, *record(search).startNs + m_rng.range(15, 180) * kMs);
    QByteArray docs = "[";
    const int chunk = std::max(80, m_payloadBytes / std::max(1, documents));
    for (int i = 0; i < documents; ++i) {
        if (i > 0)
            docs += ',';
        docs += R"({"id":"doc_)" + m_rng.hex(8).toLatin1() + R"(","score":)"
            + QByteArray::number(0.92 - 0.07 * i - m_rng.uniform() * 0.05, 'f', 3) + R"(,"text":)"
            + quoted(demotext::prose(m_rng, chunk)) + '}';
    }
    docs += ']';
    ObservationRecord &r = record(ret);
    r.input = R"({"query":)" + quoted(query) + R"(,"top_k":)" + QByteArray::number(documents) + '}';
    r.output = R"({"documents":)" + docs + '}';
    r.metadata = R"({"index":"kb-articles-v4","similarity":"cosine"})";
    close(ret, endOf(search) + m_rng.range(1, 5) * kMs);
    return ret;
}

int DemoTraceBuilder::guardrail(int parent, qint64 startNs, const QString &name, bool flag)
{
    const int g = open(ObservationType::Guardrail, name, parent, startNs);
    ObservationRecord &r = record(g);
    r.input = R"({"checks":["pii","toxicity","prompt_injection"]})";
    if (flag) {
        r.output = R"({"passed":false,"flagged":["pii"],"action":"redact","redactions":1})";
        fail(g, Level::Warning, QStringLiteral("PII detected (e-mail address) and redacted"));
    } else {
        r.output = R"({"passed":true,"flagged":[]})";
    }
    close(g, startNs + m_rng.range(20, 140) * kMs);
    return g;
}

int DemoTraceBuilder::event(int parent, qint64 atNs, const QString &name, const QByteArray &metadata)
{
    const int e = open(ObservationType::Event, name, parent, atNs);
    record(e).metadata = metadata;
    close(e, atNs);
    return e;
}

QByteArray DemoTraceBuilder::message(const char *role, QStringView content) const
{
    return R"({"role":")" + QByteArray(role) + R"(","content":)" + quoted(content) + '}';
}

QByteArray DemoTraceBuilder::toolCallMessage(const std::vector<Call> &calls) const
{
    QByteArray out = R"({"role":"assistant","content":null,"tool_calls":[)";
    for (size_t i = 0; i < calls.size(); ++i) {
        if (i > 0)
            out += ',';
        out += R"({"id":")" + calls[i].id.toLatin1() + R"(","type":"function","function":{"name":")"
            + calls[i].tool.toLatin1() + R"(","arguments":)" + demotext::quotedJson(calls[i].arguments)
            + "}}";
    }
    out += "]}";
    return out;
}

QByteArray DemoTraceBuilder::toolResultMessage(const Call &call, const QByteArray &result) const
{
    return R"({"role":"tool","tool_call_id":")" + call.id.toLatin1() + R"(","content":)"
        + demotext::quotedJson(result) + '}';
}

QByteArray DemoTraceBuilder::openAiInput(const QByteArrayList &messages, const QByteArray &tools) const
{
    const QByteArray list = '[' + messages.join(',') + ']';
    if (tools.isEmpty())
        return list;
    return R"({"messages":)" + list + R"(,"tools":)" + tools + '}';
}

QByteArray DemoTraceBuilder::anthropicInput(
    const QString &system, const QByteArrayList &messages, const QByteArray &tools) const
{
    QByteArray out = R"({"system":)" + quoted(system) + R"(,"messages":[)" + messages.join(',') + ']';
    if (!tools.isEmpty())
        out += R"(,"tools":)" + tools;
    out += '}';
    return out;
}

QByteArray DemoTraceBuilder::anthropicOutput(const QString &model, const QString &text,
    const std::vector<Call> &calls, qint64 inputTokens, qint64 outputTokens) const
{
    QByteArray content;
    if (!text.isEmpty())
        content += R"({"type":"text","text":)" + quoted(text) + '}';
    for (const Call &call : calls) {
        if (!content.isEmpty())
            content += ',';
        content += R"({"type":"tool_use","id":")" + call.id.toLatin1() + R"(","name":")"
            + call.tool.toLatin1() + R"(","input":)" + call.arguments + '}';
    }
    return R"({"id":"msg_)" + m_rng.alnum(24).toLatin1()
        + R"(","type":"message","role":"assistant","model":")" + model.toLatin1()
        + R"(-20250514","content":[)" + content + R"(],"stop_reason":")"
        + (calls.empty() ? "end_turn" : "tool_use") + R"(","usage":{"input_tokens":)"
        + QByteArray::number(inputTokens) + R"(,"output_tokens":)" + QByteArray::number(outputTokens) + "}}";
}

QByteArrayList DemoTraceBuilder::history(const std::vector<DemoTurn> &turns) const
{
    // The last three turns, answers shortened, as chat apps usually send them.
    QByteArrayList list;
    const size_t first = turns.size() > 3 ? turns.size() - 3 : 0;
    for (size_t i = first; i < turns.size(); ++i) {
        list << message("user", turns[i].question);
        list << message("assistant", QStringView(turns[i].answer).left(240));
    }
    return list;
}

QString DemoTraceBuilder::padded(const QString &question, qsizetype used) const
{
    const qsizetype missing = m_payloadBytes - used - question.size() - 32;
    if (missing < 40)
        return question;
    return question + QStringLiteral("\n\n") + demotext::prose(m_rng, static_cast<int>(missing));
}

QString DemoTraceBuilder::answerText(DemoRandom &rng) const
{
    return demotext::prose(rng, std::max(60, m_payloadBytes - 80));
}

DemoTraceBuilder::Call DemoTraceBuilder::makeCall(
    const QString &tool, const QByteArray &arguments, Format format)
{
    Call call;
    call.id = (format == Format::Anthropic ? QStringLiteral("toolu_") : QStringLiteral("call_"))
        + m_rng.alnum(24);
    call.tool = tool;
    call.arguments = arguments;
    return call;
}

QByteArray DemoTraceBuilder::anthropicText(const char *role, QStringView text)
{
    return R"({"role":")" + QByteArray(role) + R"(","content":[{"type":"text","text":)" + quoted(text)
        + "}]}";
}

QByteArray DemoTraceBuilder::openAiParameters(double temperature, int maxTokens, const QByteArray &extra)
{
    return R"({"temperature":)" + QByteArray::number(temperature) + R"(,"max_tokens":)"
        + QByteArray::number(maxTokens) + R"(,"top_p":1,"stream":true)" + extra + '}';
}

qint64 DemoTraceBuilder::hugeStep(int parent, qint64 start, int step, int &budget)
{
    if (budget <= 0)
        return start;
    const int span = open(ObservationType::Span, QStringLiteral("step-%1").arg(step), parent, start);
    --budget;
    qint64 t = start + kMs;
    if (budget > 0) {
        GenerationSpec spec;
        spec.name = QStringLiteral("plan-next-action");
        spec.model = step % 3 == 0 ? QStringLiteral("gemini-2.5-flash") : QStringLiteral("gpt-4o-mini");
        spec.input
            = openAiInput({ message("system", u"Decide the next action for the research task."),
                              message("user", padded(QStringLiteral("Step %1: continue.").arg(step), 120)) },
                {});
        spec.output = message("assistant", u"Search for the next source and read it.");
        spec.modelParameters = openAiParameters(0.2, 256);
        spec.inputTokens = tokensFor(spec.input.size());
        spec.cachedTokens = 1024;
        spec.outputTokens = m_rng.range(20, 90);
        t = endOf(generation(span, t, spec)) + kMs;
        --budget;
    }
    if (budget > 0) {
        const bool search = m_rng.chance(0.6);
        const Call call = search
            ? makeCall(
                QStringLiteral("web_search"), R"({"query":"next source","max_results":3})", Format::OpenAI)
            : makeCall(QStringLiteral("read_page"), R"({"url":"https://example.org/doc"})", Format::OpenAI);
        const qint64 duration = static_cast<qint64>(m_rng.logNormal(250, 1.8) * kMs);
        const int tl = tool(span, t, call, R"({"ok":true})", duration);
        --budget;
        if (m_rng.chance(0.01))
            fail(tl, Level::Error, QStringLiteral("ConnectionResetError: peer closed the connection"));
        if (budget > 0) {
            const int http = open(ObservationType::Span, QStringLiteral("http GET"), tl, t + kMs);
            close(http, t + duration - kMs);
            --budget;
        }
        t = endOf(tl) + kMs;
    }
    if (step % 5 == 0 && budget >= 3) {
        t = endOf(retriever(span, t, QStringLiteral("memory-search"), QStringLiteral("notes so far"), 2))
            + kMs;
        budget -= 3;
    }
    if (step % 10 == 0 && budget >= 2) {
        const int sub = open(ObservationType::Agent, QStringLiteral("Summarizer"), span, t);
        GenerationSpec spec;
        spec.name = QStringLiteral("summarize-notes");
        spec.model = QStringLiteral("claude-3-5-haiku");
        spec.format = Format::Anthropic;
        spec.input = anthropicInput(QStringLiteral("Summarise the notes."),
            { anthropicText("user", padded(QStringLiteral("Notes:"), 60)) }, {});
        spec.inputTokens = tokensFor(spec.input.size());
        spec.outputTokens = m_rng.range(80, 300);
        spec.output = anthropicOutput(spec.model, QStringLiteral("Summary of the notes so far."), {},
            spec.inputTokens, spec.outputTokens);
        spec.modelParameters = R"({"max_tokens":1024})";
        close(sub, endOf(generation(sub, t + kMs, spec)) + kMs);
        t = endOf(sub) + kMs;
        budget -= 2;
    }
    close(span, t);
    return t;
}

} // namespace tg
