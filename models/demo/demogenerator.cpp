#include "demogenerator.h"

#include "demorandom.h"
#include "demotext.h"
#include "demotracebuilder.h"

#include <QHash>

#include <algorithm>
#include <array>
#include <cmath>

namespace tg {

namespace {

constexpr qint64 kMs = 1'000'000;
constexpr qint64 kSecond = 1'000 * kMs;
constexpr int kStepsPerPhase = 50;

const std::array<const char *, 16> kUsers {
    "maria.garcia@example.com",
    "u_10482",
    "li.wei@example.org",
    "u_20931",
    "j.smith@example.net",
    "u_33310",
    "anna.k@example.com",
    "u_40077",
    "dev-tools-bot",
    "u_51820",
    "fatima.z@example.org",
    "u_62244",
    "oskar.n@example.se",
    "u_70901",
    "priya.r@example.in",
    "u_88123",
};

QString pickEnvironment(DemoRandom &rng)
{
    const double p = rng.uniform();
    if (p < 0.7)
        return QStringLiteral("production");
    if (p < 0.9)
        return QStringLiteral("staging");
    return QStringLiteral("dev");
}

demotext::Topic topicOf(DemoScenario scenario)
{
    switch (scenario) {
    case DemoScenario::Support:
        return demotext::Topic::Support;
    case DemoScenario::Rag:
        return demotext::Topic::Docs;
    case DemoScenario::Coding:
        return demotext::Topic::Code;
    case DemoScenario::Research:
        return demotext::Topic::Research;
    case DemoScenario::Simple:
        return demotext::Topic::Batch;
    }
    return demotext::Topic::Batch;
}

QString versionOf(DemoScenario scenario)
{
    switch (scenario) {
    case DemoScenario::Support:
        return QStringLiteral("support-agent@1.4.2");
    case DemoScenario::Rag:
        return QStringLiteral("docs-qa@0.9.0");
    case DemoScenario::Coding:
        return QStringLiteral("code-assistant@2.1.0");
    case DemoScenario::Research:
        return QStringLiteral("research-crew@0.3.1");
    case DemoScenario::Simple:
        return QStringLiteral("batch-jobs@5.0.0");
    }
    return {};
}

void append(WriteBatch &to, WriteBatch &&from)
{
    std::move(from.traces.begin(), from.traces.end(), std::back_inserter(to.traces));
    std::move(from.observations.begin(), from.observations.end(), std::back_inserter(to.observations));
    std::move(from.scores.begin(), from.scores.end(), std::back_inserter(to.scores));
}

} // namespace

struct DemoGenerator::Planned
{
    qint64 timestampNs = 0;
    int session = -1;
    int turn = 0;
    bool lastTurn = false;
    bool huge = false;
    DemoScenario scenario = DemoScenario::Simple;
    QString userId;
    QString environment;
    quint64 seed = 0;
};

struct DemoGenerator::Session
{
    QString id;
    quint64 seed = 0;
    DemoScenario scenario = DemoScenario::Support;
};

// A huge trace in progress: the root stays at index 0 of the builder; finished phases are
// moved out into `pending` and handed out batch by batch.
struct DemoGenerator::HugeRun
{
    explicit HugeRun(quint64 seed, QString traceId, QString environment, int payloadBytes)
        : rng(seed)
        , builder(rng, std::move(traceId), std::move(environment), payloadBytes)
    {
    }
    DemoRandom rng;
    DemoTraceBuilder builder;
    Planned planned;
    QString traceId;
    int budget = 0;
    int step = 0;
    int phase = 0;
    qint64 cursor = 0;
    std::vector<ObservationRecord> pending;
    size_t pendingPos = 0;
    bool finished = false;
};

DemoGenerator::DemoGenerator(const DemoOptions &options)
    : m_options(options)
{
    m_options.traceCount = std::max(0, m_options.traceCount);
    m_options.hugeTraceCount = std::clamp(m_options.hugeTraceCount, 0, m_options.traceCount);
    m_options.hugeTraceObservations = std::max(1, m_options.hugeTraceObservations);
    m_options.payloadBytes = std::max(64, m_options.payloadBytes);
    m_options.batchObservations = std::max(1, m_options.batchObservations);
    m_options.timeSpanNs = std::max<qint64>(kSecond, m_options.timeSpanNs);
    plan();
}

DemoGenerator::~DemoGenerator() = default;

void DemoGenerator::plan()
{
    DemoRandom rng(DemoRandom::mix(m_options.seed, 1));
    const int hugeCount = m_options.hugeTraceCount;
    const int normalCount = m_options.traceCount - hugeCount;
    const int sessionCount = std::clamp(m_options.sessions, 0, normalCount);
    // About 70% of ordinary traces belong to a session, at least one per session.
    const int inSessions
        = sessionCount == 0 ? 0 : std::max(sessionCount, static_cast<int>(std::lround(normalCount * 0.7)));
    std::vector<int> turns(static_cast<size_t>(sessionCount), 1);
    for (int i = sessionCount; i < inSessions; ++i)
        ++turns[static_cast<size_t>(rng.range(0, sessionCount - 1))];

    static const DemoScenario sessionScenarios[]
        = { DemoScenario::Support, DemoScenario::Support, DemoScenario::Support, DemoScenario::Coding,
              DemoScenario::Coding, DemoScenario::Rag, DemoScenario::Rag };
    static const DemoScenario singleScenarios[] = {
        DemoScenario::Simple,
        DemoScenario::Simple,
        DemoScenario::Simple,
        DemoScenario::Simple,
        DemoScenario::Support,
        DemoScenario::Support,
        DemoScenario::Rag,
        DemoScenario::Rag,
        DemoScenario::Research,
        DemoScenario::Research,
        DemoScenario::Research,
        DemoScenario::Coding,
    };
    const auto span = static_cast<double>(m_options.timeSpanNs);
    for (int s = 0; s < sessionCount; ++s) {
        Session session;
        session.seed = DemoRandom::mix(m_options.seed, 0x5e55'0000ULL + static_cast<quint64>(s));
        DemoRandom srng(session.seed);
        session.id = QStringLiteral("sess_") + srng.hex(12);
        session.scenario = srng.pick(sessionScenarios);
        const QString user = QString::fromLatin1(srng.pick(kUsers));
        const QString environment = pickEnvironment(srng);
        qint64 t = m_options.startNs + static_cast<qint64>(srng.uniform() * span * 0.9);
        const int count = turns[static_cast<size_t>(s)];
        for (int k = 0; k < count; ++k) {
            Planned p;
            p.timestampNs = t;
            p.session = s;
            p.turn = k;
            p.lastTurn = k == count - 1;
            p.scenario = session.scenario;
            p.userId = user;
            p.environment = environment;
            m_plan.push_back(p);
            t += static_cast<qint64>(std::clamp(srng.logNormal(90, 2.5), 10.0, 1800.0) * kSecond);
        }
        m_sessions.push_back(session);
    }
    for (int i = inSessions; i < normalCount; ++i) {
        Planned p;
        p.timestampNs = m_options.startNs + static_cast<qint64>(rng.uniform() * span);
        p.scenario = rng.pick(singleScenarios);
        if (rng.chance(0.7))
            p.userId = QString::fromLatin1(rng.pick(kUsers));
        p.environment = pickEnvironment(rng);
        m_plan.push_back(p);
    }
    for (int i = 0; i < hugeCount; ++i) {
        Planned p;
        p.timestampNs = m_options.startNs + static_cast<qint64>(rng.uniform() * span * 0.8);
        p.huge = true;
        p.userId = QStringLiteral("batch-runner");
        p.environment = QStringLiteral("production");
        m_plan.push_back(p);
    }
    for (size_t i = 0; i < m_plan.size(); ++i)
        m_plan[i].seed = DemoRandom::mix(m_options.seed, 0x7ace'0000ULL + i);
    std::stable_sort(m_plan.begin(), m_plan.end(),
        [](const Planned &a, const Planned &b) { return a.timestampNs < b.timestampNs; });
}

bool DemoGenerator::next(WriteBatch &batch)
{
    batch = WriteBatch();
    batch.sourceId = m_options.sourceId;
    const auto limit = static_cast<size_t>(m_options.batchObservations);
    for (;;) {
        if (m_carry) {
            append(batch, std::move(*m_carry));
            m_carry.reset();
        }
        if (batch.observations.size() >= limit)
            return true;
        if (m_huge) {
            fillFromHuge(batch, limit);
            if (m_huge)
                return true; // full; the huge trace continues in the next batch
            continue;
        }
        if (m_nextPlanned >= m_plan.size())
            return !batch.isEmpty();
        const Planned &planned = m_plan[m_nextPlanned++];
        if (planned.huge) {
            startHuge(planned);
            continue;
        }
        WriteBatch one = generateTrace(planned);
        if (!batch.observations.empty() && batch.observations.size() + one.observations.size() > limit) {
            m_carry = std::move(one);
            return true;
        }
        append(batch, std::move(one));
    }
}

int DemoGenerator::generate(const std::function<bool(WriteBatch &&)> &sink)
{
    int count = 0;
    WriteBatch batch;
    while (next(batch)) {
        ++count;
        if (!sink(std::move(batch)))
            break;
    }
    return count;
}

WriteBatch DemoGenerator::generateAll()
{
    WriteBatch all;
    all.sourceId = m_options.sourceId;
    WriteBatch batch;
    while (next(batch))
        append(all, std::move(batch));
    return all;
}

WriteBatch DemoGenerator::generateTrace(const Planned &planned)
{
    DemoRandom rng(planned.seed);
    const QString traceId = rng.hex(32);
    DemoTraceBuilder builder(rng, traceId, planned.environment, m_options.payloadBytes);
    const demotext::Topic topic = topicOf(planned.scenario);

    // Earlier turns come from their own seeds, so any turn can be generated on its own.
    std::vector<DemoTurn> history;
    DemoTurn turn;
    const quint64 sessionSeed
        = planned.session >= 0 ? m_sessions[static_cast<size_t>(planned.session)].seed : 0;
    for (int k = 0; k <= planned.turn; ++k) {
        DemoRandom q(planned.session >= 0 ? DemoRandom::mix(sessionSeed, static_cast<quint64>(k) * 2)
                                          : DemoRandom::mix(planned.seed, 1));
        DemoRandom a(planned.session >= 0 ? DemoRandom::mix(sessionSeed, static_cast<quint64>(k) * 2 + 1)
                                          : DemoRandom::mix(planned.seed, 2));
        DemoTurn t { demotext::question(q, topic), builder.answerText(a) };
        if (k < planned.turn)
            history.push_back(std::move(t));
        else
            turn = std::move(t);
    }

    const DemoTraceInfo info = builder.run(planned.scenario, planned.timestampNs, history, turn);
    const QString version = versionOf(planned.scenario);

    WriteBatch out;
    TraceRecord trace;
    trace.id = traceId;
    trace.name = info.name;
    trace.timestampNs = planned.timestampNs;
    trace.userId = planned.userId;
    if (planned.session >= 0)
        trace.sessionId = m_sessions[static_cast<size_t>(planned.session)].id;
    trace.release = QStringLiteral("2026.08.%1").arg(rng.range(1, 4));
    trace.version = version;
    trace.environment = planned.environment;
    trace.isPublic = rng.chance(0.05);
    trace.tags = info.tags;
    if (rng.chance(0.1))
        trace.tags << QStringLiteral("beta");
    trace.input = info.input;
    trace.output = info.output;
    trace.metadata = R"({"region":")" + QByteArray(rng.chance(0.6) ? "eu-west-1" : "us-east-1")
        + R"(","request_id":"req_)" + rng.alnum(16).toLatin1() + R"(","client":")"
        + QByteArray(rng.chance(0.7) ? "web" : "mobile-ios") + R"(","turn":)"
        + QByteArray::number(planned.turn) + '}';
    out.traces.push_back(std::move(trace));

    std::vector<QString> judged;
    for (const int index : info.judged)
        judged.push_back(builder.record(index).id);
    for (ObservationRecord &r : builder.records()) {
        r.version = version;
        out.observations.push_back(std::move(r));
    }
    addScores(out, planned, traceId, info.endNs, info.failed, judged, DemoRandom::mix(planned.seed, 3));
    return out;
}

void DemoGenerator::addScores(WriteBatch &batch, const Planned &planned, const QString &traceId, qint64 endNs,
    bool failed, const std::vector<QString> &judged, quint64 seed)
{
    DemoRandom rng(seed);
    const auto score = [&](const QString &name, ScoreDataType type, const QString &source) {
        ScoreRecord s;
        s.id = rng.uuid();
        s.traceId = traceId;
        s.name = name;
        s.dataType = type;
        s.source = source;
        s.environment = planned.environment;
        s.timestampNs = endNs + rng.range(2, 600) * kSecond;
        return s;
    };
    if (rng.chance(0.3)) {
        ScoreRecord s = score(QStringLiteral("user-feedback"), ScoreDataType::Boolean, QStringLiteral("API"));
        const bool good = rng.chance(failed ? 0.25 : 0.8);
        s.value = good ? 1.0 : 0.0;
        s.stringValue = good ? QStringLiteral("True") : QStringLiteral("False");
        if (rng.chance(0.4))
            s.comment = good ? QStringLiteral("Thanks, that solved it!")
                             : QStringLiteral("Did not answer my question.");
        batch.scores.push_back(std::move(s));
    }
    if (!judged.empty() && rng.chance(0.4)) {
        ScoreRecord s = score(QStringLiteral("helpfulness"), ScoreDataType::Numeric, QStringLiteral("EVAL"));
        s.value = std::round(std::clamp(rng.logNormal(failed ? 0.4 : 0.8, 1.2), 0.0, 1.0) * 100) / 100;
        s.comment = QStringLiteral("LLM-as-a-judge (gpt-4o-mini), rubric v2");
        batch.scores.push_back(std::move(s));
    }
    if (!judged.empty() && rng.chance(0.3)) {
        ScoreRecord s
            = score(QStringLiteral("answer-quality"), ScoreDataType::Numeric, QStringLiteral("EVAL"));
        s.observationId = judged.front();
        s.value = std::round(std::clamp(rng.logNormal(0.75, 1.2), 0.0, 1.0) * 100) / 100;
        batch.scores.push_back(std::move(s));
    }
    if (rng.chance(0.1)) {
        static const char *const labels[] = { "correct", "partially_correct", "incorrect" };
        ScoreRecord s
            = score(QStringLiteral("correctness"), ScoreDataType::Categorical, QStringLiteral("ANNOTATION"));
        s.stringValue = QString::fromLatin1(rng.pick(labels));
        s.comment = QStringLiteral("Reviewed in the annotation queue");
        batch.scores.push_back(std::move(s));
    }
    if (planned.session >= 0 && planned.lastTurn && rng.chance(0.35)) {
        ScoreRecord s
            = score(QStringLiteral("session-satisfaction"), ScoreDataType::Numeric, QStringLiteral("API"));
        s.traceId.clear();
        s.sessionId = m_sessions[static_cast<size_t>(planned.session)].id;
        s.value = static_cast<double>(rng.range(1, 5));
        batch.scores.push_back(std::move(s));
    }
}

void DemoGenerator::startHuge(const Planned &planned)
{
    DemoRandom idRng(planned.seed);
    const QString traceId = idRng.hex(32);
    m_huge = std::make_unique<HugeRun>(
        DemoRandom::mix(planned.seed, 9), traceId, planned.environment, m_options.payloadBytes);
    HugeRun &run = *m_huge;
    run.planned = planned;
    run.traceId = traceId;
    run.budget = m_options.hugeTraceObservations - 1;
    const int root = run.builder.open(
        ObservationType::Agent, QStringLiteral("DeepResearchAgent"), -1, planned.timestampNs);
    ObservationRecord &rootRecord = run.builder.record(root);
    rootRecord.input = R"({"task":"Survey every public source on grid-scale storage and write a report"})";
    rootRecord.version = QStringLiteral("deep-research@0.8.0");
    run.cursor = planned.timestampNs + 5 * kMs;
    run.pending.push_back(rootRecord); // the create event: no end yet

    TraceRecord trace;
    trace.id = traceId;
    trace.name = QStringLiteral("deep-research-run");
    trace.timestampNs = planned.timestampNs;
    trace.userId = planned.userId;
    trace.environment = planned.environment;
    trace.release = QStringLiteral("2026.08.1");
    trace.version = QStringLiteral("deep-research@0.8.0");
    trace.tags = { QStringLiteral("agent:DeepResearchAgent"), QStringLiteral("long-running") };
    trace.input = rootRecord.input;
    trace.metadata = R"({"max_steps":50000,"parallelism":1})";
    m_carry = WriteBatch();
    m_carry->traces.push_back(std::move(trace));
}

void DemoGenerator::fillFromHuge(WriteBatch &batch, size_t limit)
{
    HugeRun &run = *m_huge;
    while (batch.observations.size() < limit) {
        if (run.pendingPos < run.pending.size()) {
            batch.observations.push_back(std::move(run.pending[run.pendingPos++]));
            continue;
        }
        run.pending.clear();
        run.pendingPos = 0;
        if (run.finished) {
            m_huge.reset();
            return;
        }
        if (run.budget > 0) {
            // One phase: a CHAIN of up to kStepsPerPhase steps.
            const int phase = run.builder.open(
                ObservationType::Chain, QStringLiteral("phase-%1").arg(++run.phase), 0, run.cursor);
            --run.budget;
            qint64 t = run.cursor + kMs;
            for (int s = 0; s < kStepsPerPhase && run.budget > 0; ++s)
                t = run.builder.hugeStep(phase, t, ++run.step, run.budget) + kMs;
            run.builder.close(phase, t);
            run.cursor = t + kMs;
            std::vector<ObservationRecord> &records = run.builder.records();
            for (size_t i = 1; i < records.size(); ++i) {
                records[i].version = QStringLiteral("deep-research@0.8.0");
                run.pending.push_back(std::move(records[i]));
            }
            records.resize(1);
            continue;
        }
        // Done: the update events for the root and the trace, then the scores.
        ObservationRecord update;
        update.id = run.builder.record(0).id;
        update.traceId = run.traceId;
        update.endNs = run.cursor;
        update.output = R"({"report":"Final report written","steps":)" + QByteArray::number(run.step) + '}';
        run.pending.push_back(std::move(update));
        TraceRecord trace;
        trace.id = run.traceId;
        trace.output = run.pending.back().output;
        batch.traces.push_back(std::move(trace));
        addScores(
            batch, run.planned, run.traceId, run.cursor, false, {}, DemoRandom::mix(run.planned.seed, 3));
        run.finished = true;
    }
}

std::vector<ObservationRow> DemoGenerator::toObservationRows(
    const std::vector<ObservationRecord> &records, const QString &traceId)
{
    std::vector<ObservationRow> rows;
    std::vector<UsageDetails> usage;
    std::vector<CostDetails> cost;
    QHash<QString, size_t> position;
    for (const ObservationRecord &r : records) {
        if (!traceId.isEmpty() && r.traceId != traceId)
            continue;
        auto it = position.constFind(r.id);
        if (it == position.cend()) {
            it = position.insert(r.id, rows.size());
            ObservationRow row;
            row.rk = static_cast<qint64>(rows.size()) + 1;
            row.id = r.id;
            rows.push_back(row);
            usage.emplace_back();
            cost.emplace_back();
        }
        const size_t i = it.value();
        ObservationRow &row = rows[i];
        if (!r.parentId.isEmpty())
            row.parentId = r.parentId;
        if (r.type)
            row.type = *r.type;
        if (!r.name.isEmpty())
            row.name = r.name;
        if (r.startNs)
            row.startNs = *r.startNs;
        if (r.endNs)
            row.endNs = *r.endNs;
        if (!r.model.isEmpty())
            row.model = r.model;
        if (r.level)
            row.level = *r.level;
        usage[i].mergeFrom(r.usage);
        cost[i].mergeFrom(r.cost);
        row.writeSeq = row.rk;
    }
    for (size_t i = 0; i < rows.size(); ++i) {
        rows[i].inputTokens = usage[i].inputTokens();
        rows[i].outputTokens = usage[i].outputTokens();
        rows[i].totalTokens = usage[i].totalTokens();
        rows[i].cost = cost[i].total();
    }
    return rows;
}

} // namespace tg
