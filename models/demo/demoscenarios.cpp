// The scenarios of DemoTraceBuilder: what each kind of demo app does in one trace.

#include "demotracebuilder.h"

#include <algorithm>

namespace tg {

using demotext::quoted;
using demotext::Topic;

namespace {

constexpr qint64 kMs = 1'000'000;
constexpr qint64 kSecond = 1'000 * kMs;

qsizetype totalSize(const QByteArrayList &parts)
{
    qsizetype sum = 0;
    for (const QByteArray &p : parts)
        sum += p.size() + 1;
    return sum;
}

} // namespace

DemoTraceInfo DemoTraceBuilder::run(
    DemoScenario scenario, qint64 startNs, const std::vector<DemoTurn> &history, const DemoTurn &turn)
{
    switch (scenario) {
    case DemoScenario::Support:
        return support(startNs, history, turn);
    case DemoScenario::Rag:
        return rag(startNs, history, turn);
    case DemoScenario::Coding:
        return coding(startNs, history, turn);
    case DemoScenario::Research:
        return research(startNs, turn);
    case DemoScenario::Simple:
        return simple(startNs, turn);
    }
    return simple(startNs, turn);
}

DemoTraceInfo DemoTraceBuilder::support(
    qint64 start, const std::vector<DemoTurn> &turns, const DemoTurn &turn)
{
    DemoTraceInfo info;
    info.name = QStringLiteral("support-chat");
    info.tags = { QStringLiteral("support"), QStringLiteral("agent:SupportAgent"),
        m_rng.chance(0.7) ? QStringLiteral("channel:web") : QStringLiteral("channel:email") };
    const QString model = m_rng.chance(0.6) ? QStringLiteral("gpt-4o") : QStringLiteral("gpt-4o-mini");
    const QByteArray tools
        = demoToolDefinitions({ QStringLiteral("lookup_order"), QStringLiteral("get_shipping_status"),
                                  QStringLiteral("issue_refund") },
            false);
    // Some SDKs log tool definitions with the request, others with the model parameters.
    const bool toolsInParameters = m_rng.chance(0.3);
    const QByteArray parameters = openAiParameters(
        0.3, 1024, toolsInParameters ? R"(,"tool_choice":"auto","tools":)" + tools : QByteArray());
    const bool rateLimited = m_rng.chance(0.04);
    const bool toolTimeout = m_rng.chance(0.08);

    const int root = open(ObservationType::Agent, QStringLiteral("SupportAgent"), -1, start);
    qint64 t = start + m_rng.range(1, 4) * kMs;
    t = endOf(guardrail(root, t, QStringLiteral("input-moderation"), m_rng.chance(0.08))) + kMs;
    const int kb = retriever(root, t, QStringLiteral("kb-search"), turn.question, 3);
    t = endOf(kb) + kMs;

    QByteArrayList messages;
    messages << message("system", demotext::systemPrompt(Topic::Support));
    messages << history(turns);
    messages << message(
        "user", padded(turn.question, totalSize(messages) + (toolsInParameters ? 0 : tools.size())));
    const QByteArray userMessage = messages.back();

    qint64 cached = 0;
    const int rounds = m_rng.range(1, 3);
    for (int round = 0; round < rounds; ++round) {
        std::vector<Call> calls;
        const int callCount = m_rng.chance(0.3) ? 2 : 1;
        for (int c = 0; c < callCount; ++c) {
            const QString orderId = QString::number(m_rng.range(100000, 999999));
            if (round > 0 && m_rng.chance(0.4))
                calls.push_back(makeCall(QStringLiteral("issue_refund"),
                    R"({"order_id":")" + orderId.toLatin1() + R"(","amount":)"
                        + QByteArray::number(m_rng.range(5, 240)) + R"(.00,"reason":"damaged"})",
                    Format::OpenAI));
            else if (c == 1 || m_rng.chance(0.3))
                calls.push_back(makeCall(QStringLiteral("get_shipping_status"),
                    R"({"tracking_number":"1Z)" + m_rng.alnum(14).toUpper().toLatin1() + R"("})",
                    Format::OpenAI));
            else
                calls.push_back(makeCall(QStringLiteral("lookup_order"),
                    R"({"order_id":")" + orderId.toLatin1() + R"("})", Format::OpenAI));
        }
        GenerationSpec spec;
        spec.name = QStringLiteral("chat-completion");
        spec.model = model;
        spec.input = openAiInput(messages, toolsInParameters ? QByteArray() : tools);
        spec.output = toolCallMessage(calls);
        spec.modelParameters = parameters;
        spec.cachedTokens = cached;
        spec.inputTokens = tokensFor(spec.input.size()) + 350 - cached;
        spec.outputTokens = 18 + 22 * static_cast<qint64>(calls.size());
        spec.promptName = QStringLiteral("support-system");
        spec.promptVersion = 7;
        if (rateLimited && round == 0) {
            GenerationSpec failed = spec;
            failed.output
                = R"({"error":{"type":"rate_limit_error","code":"rate_limit_exceeded","message":"Rate limit reached for )"
                + model.toLatin1()
                + R"( on tokens per min (TPM): Limit 30000, Used 29874, Requested 1530."}})";
            failed.outputTokens = 0;
            const int g = generation(root, t, failed);
            fail(g, Level::Error, QStringLiteral("RateLimitError: 429 Too Many Requests (retry after 2 s)"));
            close(g, *record(g).startNs + m_rng.range(180, 400) * kMs);
            record(g).completionStartNs.reset();
            t = endOf(g) + 2 * kSecond;
        }
        const int g = generation(root, t, spec);
        cached = (spec.inputTokens + spec.cachedTokens) / 1024 * 1024;
        t = endOf(g) + kMs;
        messages << toolCallMessage(calls);

        qint64 toolsEnd = t;
        for (size_t c = 0; c < calls.size(); ++c) {
            const bool timesOut = toolTimeout && round == 0 && c == 0;
            const qint64 duration
                = timesOut ? 10 * kSecond : static_cast<qint64>(m_rng.logNormal(160, 1.8) * kMs);
            QByteArray result;
            if (timesOut)
                result = R"({"error":"timeout","retryable":true})";
            else if (calls[c].tool == u"lookup_order")
                result = R"({"status":"shipped","items":[{"sku":"NW-)" + m_rng.hex(6).toLatin1()
                    + R"(","name":"Trail running shoes","qty":1,"price":129.0}],"paid":true,"carrier":"UPS"})";
            else if (calls[c].tool == u"get_shipping_status")
                result
                    = R"({"status":"in_transit","last_scan":"Distribution centre, Venlo","eta":"2026-08-27"})";
            else
                result = R"({"refund_id":"re_)" + m_rng.alnum(16).toLatin1() + R"(","status":"pending"})";
            const int tl = tool(root, t, calls[c], result, duration);
            const int http
                = open(ObservationType::Span, QStringLiteral("orders-api GET /v2/orders"), tl, t + kMs);
            record(http).metadata = timesOut ? QByteArray(R"({"http.method":"GET","http.status_code":504})")
                                             : QByteArray(R"({"http.method":"GET","http.status_code":200})");
            close(http, t + duration - kMs);
            if (timesOut) {
                fail(
                    tl, Level::Error, QStringLiteral("TimeoutError: orders-api did not respond within 10 s"));
                fail(http, Level::Error, QStringLiteral("504 Gateway Timeout"));
                info.failed = true;
            }
            toolsEnd = std::max(toolsEnd, endOf(tl));
            messages << toolResultMessage(calls[c], result);
        }
        t = toolsEnd + kMs;
    }

    GenerationSpec final;
    final.name = QStringLiteral("chat-completion");
    final.model = model;
    final.input = openAiInput(messages, toolsInParameters ? QByteArray() : tools);
    final.output = message("assistant", turn.answer);
    final.modelParameters = parameters;
    final.cachedTokens = cached;
    final.inputTokens = tokensFor(final.input.size()) + 350 - cached;
    final.outputTokens = tokensFor(turn.answer.size());
    final.promptName = QStringLiteral("support-system");
    final.promptVersion = 7;
    const int answer = generation(root, t, final);
    if (m_rng.chance(0.04))
        fail(
            answer, Level::Warning, QStringLiteral("finish_reason=length: the answer was cut at max_tokens"));
    t = endOf(answer) + kMs;
    t = endOf(guardrail(root, t, QStringLiteral("output-pii-check"), m_rng.chance(0.05))) + kMs;
    event(root, t, QStringLiteral("response-sent"), R"({"channel":"web","latency_budget_ms":8000})");
    close(root, t + 2 * kMs);
    record(root).input = userMessage;
    record(root).output = final.output;

    info.input = '[' + userMessage + ']';
    info.output = final.output;
    info.endNs = endOf(root);
    info.failed = info.failed || rateLimited;
    info.judged = { answer };
    return info;
}

DemoTraceInfo DemoTraceBuilder::rag(qint64 start, const std::vector<DemoTurn> &turns, const DemoTurn &turn)
{
    DemoTraceInfo info;
    info.name = QStringLiteral("docs-qa");
    info.tags = { QStringLiteral("rag"), QStringLiteral("docs") };
    const int root = open(ObservationType::Chain, QStringLiteral("rag-pipeline"), -1, start);
    qint64 t = start + kMs;

    const int rewrite = open(ObservationType::Span, QStringLiteral("query-rewrite"), root, t);
    GenerationSpec rw;
    rw.name = QStringLiteral("rewrite-query");
    rw.model = QStringLiteral("gpt-4o-mini");
    QByteArrayList rwMessages { message(
        "system", u"Rewrite the last question as a standalone search query.") };
    rwMessages << history(turns) << message("user", turn.question);
    rw.input = openAiInput(rwMessages, {});
    const QString query = turn.question.left(80);
    rw.output = message("assistant", query);
    rw.modelParameters = openAiParameters(0.0, 64);
    rw.inputTokens = tokensFor(rw.input.size());
    rw.outputTokens = tokensFor(query.size());
    t = endOf(generation(rewrite, t + kMs, rw)) + kMs;
    close(rewrite, t);

    const int ret = retriever(root, t + kMs, QStringLiteral("hybrid-search"), query, m_rng.range(4, 6));
    if (m_rng.chance(0.05))
        fail(ret, Level::Warning, QStringLiteral("Only 1 document above the similarity threshold 0.75"));
    t = endOf(ret) + kMs;
    const int rerank = open(ObservationType::Span, QStringLiteral("rerank"), root, t);
    record(rerank).metadata = R"({"reranker":"rerank-english-v3.0","top_n":3})";
    close(rerank, t + m_rng.range(60, 260) * kMs);
    t = endOf(rerank) + kMs;

    GenerationSpec answer;
    answer.name = QStringLiteral("answer");
    answer.model = QStringLiteral("gemini-2.5-flash");
    QByteArrayList messages { message("system", demotext::systemPrompt(Topic::Docs)) };
    messages << history(turns);
    messages << message("user", padded(turn.question, totalSize(messages)));
    answer.input = openAiInput(messages, {});
    answer.output = message("assistant", turn.answer);
    answer.modelParameters = R"({"temperature":0.2,"max_output_tokens":2048,"thinking_budget":1024})";
    answer.inputTokens = tokensFor(answer.input.size()) + 900; // the excerpts
    answer.outputTokens = tokensFor(turn.answer.size());
    answer.reasoningTokens = m_rng.range(120, 1024);
    answer.promptName = QStringLiteral("docs-answer");
    answer.promptVersion = 3;
    const int gen = generation(root, t, answer);
    t = endOf(gen) + kMs;

    const int eval = open(ObservationType::Evaluator, QStringLiteral("faithfulness"), root, t);
    const double score = std::clamp(m_rng.logNormal(0.82, 1.15), 0.05, 1.0);
    GenerationSpec judge;
    judge.name = QStringLiteral("judge");
    judge.model = QStringLiteral("gpt-4o-mini");
    judge.input = openAiInput(
        { message("system",
              u"You are a strict grader. Score how well the answer is supported by the context, 0 to 1."),
            message("user",
                QStringLiteral("Question: %1\nAnswer: %2").arg(turn.question, turn.answer.left(400))) },
        {});
    const QByteArray verdict = R"({"score":)" + QByteArray::number(score, 'f', 2)
        + R"(,"reasoning":"The answer follows the retrieved excerpts; one claim is not covered."})";
    judge.output = message("assistant", QString::fromUtf8(verdict));
    judge.modelParameters = openAiParameters(0.0, 256, R"(,"response_format":{"type":"json_object"})");
    judge.inputTokens = tokensFor(judge.input.size());
    judge.outputTokens = 40;
    const int j = generation(eval, t + kMs, judge);
    record(eval).input
        = R"({"metric":"faithfulness","generation_id":")" + record(gen).id.toLatin1() + R"("})";
    record(eval).output = verdict;
    close(eval, endOf(j) + kMs);
    close(root, endOf(eval) + kMs);
    record(root).input = R"({"question":)" + quoted(turn.question) + '}';
    record(root).output = R"({"answer":)" + quoted(turn.answer) + '}';

    info.input = record(root).input;
    info.output = record(root).output;
    info.endNs = endOf(root);
    info.failed = false;
    info.judged = { gen };
    return info;
}

DemoTraceInfo DemoTraceBuilder::coding(qint64 start, const std::vector<DemoTurn> &turns, const DemoTurn &turn)
{
    DemoTraceInfo info;
    info.name = QStringLiteral("code-task");
    info.tags = { QStringLiteral("agent:CodeAssistant"), QStringLiteral("ide") };
    const QString model
        = m_rng.chance(0.8) ? QStringLiteral("claude-sonnet-4") : QStringLiteral("claude-3-5-haiku");
    const QByteArray tools
        = demoToolDefinitions({ QStringLiteral("read_file"), QStringLiteral("grep"),
                                  QStringLiteral("edit_file"), QStringLiteral("run_tests") },
            true);
    const QString system = demotext::systemPrompt(Topic::Code);
    const bool thinking = m_rng.chance(0.5);
    const QByteArray parameters = thinking
        ? QByteArray(
            R"({"max_tokens":8192,"temperature":1,"thinking":{"type":"enabled","budget_tokens":4096}})")
        : QByteArray(R"({"max_tokens":8192,"temperature":0.2})");
    const bool overloaded = m_rng.chance(0.05);
    const bool runsOut = m_rng.chance(0.03);

    const int root = open(ObservationType::Agent, QStringLiteral("CodeAssistant"), -1, start);
    qint64 t = start + 2 * kMs;
    QByteArrayList messages;
    for (const DemoTurn &past : turns) {
        messages << anthropicText("user", past.question);
        messages << anthropicText("assistant", QStringView(past.answer).left(240));
    }
    messages << anthropicText(
        "user", padded(turn.question, totalSize(messages) + system.size() + tools.size()));
    const QByteArray userMessage = messages.back();

    static const char *const files[] = { "src/parser.py", "src/net/client.ts", "tests/test_parser.py",
        "src/payments/stripe.py", "README.md" };
    qint64 cached = 0;
    const int iterations = m_rng.range(2, 6);
    for (int i = 0; i < iterations; ++i) {
        std::vector<Call> calls;
        const QByteArray file = m_rng.pick(files);
        if (i == 0)
            calls.push_back(makeCall(
                QStringLiteral("grep"), R"({"pattern":"def parse_|class Parser"})", Format::Anthropic));
        else if (i == iterations - 1)
            calls.push_back(makeCall(QStringLiteral("run_tests"), R"({"path":"tests/"})", Format::Anthropic));
        else if (i % 2 == 1)
            calls.push_back(
                makeCall(QStringLiteral("read_file"), R"({"path":")" + file + R"("})", Format::Anthropic));
        else
            calls.push_back(makeCall(QStringLiteral("edit_file"),
                R"({"path":")" + file
                    + R"json(","old_text":"return None","new_text":"raise ParseError(token)"})json",
                Format::Anthropic));
        GenerationSpec spec;
        spec.name = QStringLiteral("claude.messages");
        spec.model = model;
        spec.format = Format::Anthropic;
        spec.input = anthropicInput(system, messages, tools);
        spec.cachedTokens = cached;
        spec.inputTokens = std::max<qint64>(200, tokensFor(spec.input.size()) + 2400 - cached);
        spec.outputTokens = m_rng.range(40, 220);
        spec.reasoningTokens = thinking ? m_rng.range(200, 2500) : 0;
        spec.output = anthropicOutput(
            model, QStringLiteral("Let me look at that."), calls, spec.inputTokens, spec.outputTokens);
        spec.modelParameters = parameters;
        if (overloaded && i == 0) {
            GenerationSpec failed = spec;
            failed.output = R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})";
            failed.outputTokens = 0;
            failed.reasoningTokens = 0;
            const int g = generation(root, t, failed);
            fail(g, Level::Error, QStringLiteral("overloaded_error: Overloaded (HTTP 529)"));
            close(g, *record(g).startNs + m_rng.range(300, 900) * kMs);
            record(g).completionStartNs.reset();
            t = endOf(g) + 1500 * kMs;
            info.failed = true;
        }
        const int g = generation(root, t, spec);
        cached = spec.inputTokens + spec.cachedTokens;
        t = endOf(g) + kMs;
        messages << R"({"role":"assistant","content":[{"type":"tool_use","id":")"
                + calls.front().id.toLatin1() + R"(","name":")" + calls.front().tool.toLatin1()
                + R"(","input":)" + calls.front().arguments + "}]}";

        const Call &call = calls.front();
        QByteArray result;
        qint64 duration = static_cast<qint64>(m_rng.logNormal(40, 2.0) * kMs);
        bool testsFailed = false;
        if (call.tool == u"run_tests") {
            testsFailed = m_rng.chance(0.3);
            duration = static_cast<qint64>(m_rng.logNormal(9000, 1.5) * kMs);
            result = testsFailed ? QByteArray(R"({"exit_code":1,"summary":"3 failed, 41 passed in 8.21s"})")
                                 : QByteArray(R"({"exit_code":0,"summary":"44 passed in 7.95s"})");
        } else if (call.tool == u"read_file") {
            result = R"({"content":)" + quoted(demotext::prose(m_rng, m_payloadBytes)) + '}';
        } else if (call.tool == u"grep") {
            result
                = R"({"matches":["src/parser.py:41: def parse_expression(tokens):","src/parser.py:88: class Parser:"]})";
        } else {
            result = R"({"ok":true,"replacements":1})";
        }
        const int tl = tool(root, t, call, result, duration);
        if (call.tool == u"run_tests") {
            const int proc = open(
                ObservationType::Span, QStringLiteral("subprocess: pytest -q tests/"), tl, t + 5 * kMs);
            record(proc).metadata
                = testsFailed ? QByteArray(R"({"exit_code":1})") : QByteArray(R"({"exit_code":0})");
            close(proc, t + duration - 3 * kMs);
            if (testsFailed)
                fail(tl, Level::Warning, QStringLiteral("3 tests failed"));
        }
        t = endOf(tl) + kMs;
        messages << R"({"role":"user","content":[{"type":"tool_result","tool_use_id":")" + call.id.toLatin1()
                + R"(","content":)" + demotext::quotedJson(result) + "}]}";
    }

    GenerationSpec final;
    final.name = QStringLiteral("claude.messages");
    final.model = model;
    final.format = Format::Anthropic;
    final.input = anthropicInput(system, messages, tools);
    final.cachedTokens = cached;
    final.inputTokens = std::max<qint64>(200, tokensFor(final.input.size()) + 2400 - cached);
    final.outputTokens = tokensFor(turn.answer.size());
    final.reasoningTokens = thinking ? m_rng.range(100, 1500) : 0;
    final.output = anthropicOutput(model, turn.answer, {}, final.inputTokens, final.outputTokens);
    final.modelParameters = parameters;
    const int answer = generation(root, t, final);
    close(root, endOf(answer) + 3 * kMs);
    if (runsOut) {
        fail(root, Level::Error, QStringLiteral("AgentStopped: reached max_iterations=25 without finishing"));
        info.failed = true;
    }
    record(root).input = userMessage;
    record(root).output = final.output;

    info.input = '[' + userMessage + ']';
    info.output = final.output;
    info.endNs = endOf(root);
    info.judged = { answer };
    return info;
}

DemoTraceInfo DemoTraceBuilder::research(qint64 start, const DemoTurn &turn)
{
    DemoTraceInfo info;
    info.name = QStringLiteral("research-report");
    info.tags = { QStringLiteral("research"), QStringLiteral("agent:Orchestrator"),
        QStringLiteral("agent:Researcher"), QStringLiteral("agent:Writer") };
    const int root = open(ObservationType::Agent, QStringLiteral("Orchestrator"), -1, start);
    qint64 t = start + 2 * kMs;

    GenerationSpec plan;
    plan.name = QStringLiteral("plan");
    plan.model = QStringLiteral("o4-mini");
    QByteArrayList planMessages { message("system", demotext::systemPrompt(Topic::Research)) };
    planMessages << message("user", padded(turn.question, totalSize(planMessages)));
    plan.input = openAiInput(planMessages, {});
    plan.output
        = message("assistant", u"1. Search for recent overviews. 2. Read two primary sources. 3. Draft.");
    plan.modelParameters = R"({"reasoning_effort":"medium","max_completion_tokens":4000})";
    plan.inputTokens = tokensFor(plan.input.size());
    plan.outputTokens = m_rng.range(60, 200);
    plan.reasoningTokens = m_rng.range(600, 4000);
    t = endOf(generation(root, t, plan)) + kMs;

    const int researcher = open(ObservationType::Agent, QStringLiteral("Researcher"), root, t);
    t += kMs;
    const int searches = m_rng.range(2, 3);
    qint64 searchesEnd = t;
    for (int s = 0; s < searches; ++s) {
        const Call call = makeCall(QStringLiteral("web_search"),
            R"({"query":)" + quoted(turn.question.left(60)) + R"(,"max_results":5})", Format::OpenAI);
        const qint64 duration = static_cast<qint64>(m_rng.logNormal(700, 1.6) * kMs);
        const int tl = tool(researcher, t, call,
            R"({"results":[{"title":"Overview","url":"https://example.org/a"},{"title":"Study","url":"https://example.org/b"}]})",
            duration);
        const int http
            = open(ObservationType::Span, QStringLiteral("http GET api.search.example"), tl, t + kMs);
        close(http, t + duration - kMs);
        searchesEnd = std::max(searchesEnd, endOf(tl));
    }
    t = searchesEnd + kMs;
    for (int p = 0; p < 2; ++p) {
        const Call call = makeCall(QStringLiteral("read_page"),
            R"({"url":"https://example.org/)" + m_rng.hex(6).toLatin1() + R"("})", Format::OpenAI);
        const bool forbidden = m_rng.chance(0.1);
        const int tl = tool(researcher, t, call,
            forbidden ? QByteArray(R"({"error":"HTTP 403"})")
                      : R"({"text":)" + quoted(demotext::prose(m_rng, m_payloadBytes)) + '}',
            static_cast<qint64>(m_rng.logNormal(900, 1.7) * kMs));
        if (forbidden)
            fail(tl, Level::Warning, QStringLiteral("HTTP 403 Forbidden; source skipped"));
        t = endOf(tl) + kMs;
    }
    GenerationSpec summary;
    summary.name = QStringLiteral("summarize-sources");
    summary.model = QStringLiteral("gemini-2.5-flash");
    summary.input = openAiInput({ message("system", u"Summarise the sources below with citations."),
                                    message("user", padded(turn.question, 80)) },
        {});
    summary.output = message("assistant", demotext::prose(m_rng, m_payloadBytes / 2));
    summary.modelParameters = R"({"temperature":0.4,"max_output_tokens":2048})";
    summary.inputTokens = tokensFor(summary.input.size()) + 3000;
    summary.outputTokens = m_rng.range(200, 700);
    summary.reasoningTokens = m_rng.range(0, 800);
    t = endOf(generation(researcher, t, summary)) + kMs;
    close(researcher, t);

    const int writer = open(ObservationType::Agent, QStringLiteral("Writer"), root, t + kMs);
    GenerationSpec draft;
    draft.name = QStringLiteral("draft-report");
    draft.model = QStringLiteral("claude-sonnet-4");
    draft.format = Format::Anthropic;
    draft.input = anthropicInput(
        demotext::systemPrompt(Topic::Research), { anthropicText("user", padded(turn.question, 300)) }, {});
    draft.inputTokens = tokensFor(draft.input.size()) + 1500;
    draft.outputTokens = tokensFor(turn.answer.size());
    draft.output = anthropicOutput(draft.model, turn.answer, {}, draft.inputTokens, draft.outputTokens);
    draft.modelParameters = R"({"max_tokens":4096,"temperature":0.7})";
    const int d = generation(writer, t + 2 * kMs, draft);
    const int check = guardrail(writer, endOf(d) + kMs, QStringLiteral("citation-check"), false);
    close(writer, endOf(check) + kMs);
    t = endOf(writer) + kMs;

    const int eval = open(ObservationType::Evaluator, QStringLiteral("report-quality"), root, t);
    GenerationSpec judge;
    judge.name = QStringLiteral("judge");
    judge.model = QStringLiteral("gpt-4o-mini");
    judge.input
        = openAiInput({ message("system", u"Rate the report for coverage and citation quality, 0 to 1."),
                          message("user", turn.answer.left(500)) },
            {});
    const double score = std::clamp(m_rng.logNormal(0.75, 1.2), 0.05, 1.0);
    const QByteArray verdict
        = R"({"score":)" + QByteArray::number(score, 'f', 2) + R"(,"reasoning":"Good coverage."})";
    judge.output = message("assistant", QString::fromUtf8(verdict));
    judge.modelParameters = openAiParameters(0.0, 256);
    judge.inputTokens = tokensFor(judge.input.size());
    judge.outputTokens = 30;
    const int j = generation(eval, t + kMs, judge);
    record(eval).output = verdict;
    close(eval, endOf(j) + kMs);
    close(root, endOf(eval) + 2 * kMs);
    record(root).input = R"({"task":)" + quoted(turn.question) + '}';
    record(root).output = R"({"report":)" + quoted(turn.answer) + '}';

    info.input = record(root).input;
    info.output = record(root).output;
    info.endNs = endOf(root);
    info.judged = { d };
    return info;
}

DemoTraceInfo DemoTraceBuilder::simple(qint64 start, const DemoTurn &turn)
{
    DemoTraceInfo info;
    info.name = QStringLiteral("batch-summarize");
    info.tags = { QStringLiteral("batch") };
    static const char *const models[]
        = { "gpt-4o-mini", "gpt-4o-mini", "gemini-2.5-flash", "claude-3-5-haiku", "gpt-4.1" };
    GenerationSpec spec;
    spec.name = QStringLiteral("summarize-ticket");
    spec.model = QString::fromLatin1(m_rng.pick(models));
    QByteArrayList messages { message("system", demotext::systemPrompt(Topic::Batch)) };
    messages << message("user", padded(turn.question, totalSize(messages)));
    spec.input = openAiInput(messages, {});
    spec.output = message("assistant", turn.answer);
    spec.modelParameters = openAiParameters(0.0, 512);
    spec.inputTokens = tokensFor(spec.input.size());
    spec.outputTokens = tokensFor(turn.answer.size());
    const int g = generation(-1, start, spec);
    if (m_rng.chance(0.03)) {
        fail(g, Level::Error,
            QStringLiteral("ContentFilterError: the response was filtered by the provider's content policy"));
        record(g).output = R"({"error":{"code":"content_filter"}})";
        info.failed = true;
    }
    info.input = spec.input;
    info.output = record(g).output;
    info.endNs = endOf(g);
    info.judged = { g };
    return info;
}

} // namespace tg
