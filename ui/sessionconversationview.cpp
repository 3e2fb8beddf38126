#include "sessionconversationview.h"

#include "chatview.h"
#include "domain/timeformat.h"
#include "icons.h"
#include "itemmodels/backgroundtask.h"
#include "itemmodels/tracelistmodel.h"
#include "plural.h"
#include "store/storereader.h"
#include "store/tracestore.h"
#include "theme.h"

#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QToolButton>
#include <QVBoxLayout>

namespace tg {

namespace {

// Payloads bigger than this are shown by their start only: a session can hold hundreds of turns.
constexpr qsizetype kTurnPayloadLimit = 256 * 1024;

struct LoadedSession
{
    std::optional<SessionRow> session;
    std::vector<SessionTurn> turns;
};

} // namespace

SessionConversationView::SessionConversationView(TraceStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_title(new QLabel(this))
    , m_facts(new QLabel(this))
    , m_showTraces(new QToolButton(this))
    , m_chat(new ChatView(this))
{
    setObjectName(QStringLiteral("sessionConversation"));
    m_title->setTextFormat(Qt::RichText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts->setTextFormat(Qt::RichText);
    m_facts->setWordWrap(true);
    m_showTraces->setObjectName(QStringLiteral("showSessionTracesButton"));
    m_showTraces->setIcon(icons::icon(QStringLiteral("trace")));
    m_showTraces->setText(tr("Show traces"));
    m_showTraces->setToolTip(tr("List this session's traces on the Traces page"));
    m_showTraces->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_showTraces->setAutoRaise(true);
    m_showTraces->setEnabled(false);
    m_chat->setObjectName(QStringLiteral("sessionChat"));
    auto *titleRow = new QHBoxLayout;
    titleRow->setContentsMargins(10, 6, 6, 0);
    titleRow->addWidget(m_title, 1);
    titleRow->addWidget(m_showTraces);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(titleRow);
    m_facts->setContentsMargins(10, 0, 10, 4);
    layout->addWidget(m_facts);
    layout->addWidget(m_chat, 1);
    connect(m_showTraces, &QToolButton::clicked, this,
        [this] { Q_EMIT showTracesRequested(m_sourceId, m_sessionId); });
    connect(m_chat, &ChatView::anchorActivated, this, [this](const QString &anchor) {
        if (anchor.startsWith(u"trace:"))
            Q_EMIT traceActivated(anchor.mid(6).toLongLong());
    });
    clear();
}

void SessionConversationView::clear()
{
    ++m_generation;
    m_sourceId = 0;
    m_sessionId.clear();
    m_session.reset();
    m_turns.clear();
    m_title->setText(QStringLiteral("<b>%1</b>").arg(tr("Conversation")));
    m_facts->clear();
    m_showTraces->setEnabled(false);
    m_chat->showMessage(tr("Select a session to read it as a conversation."));
}

ChatMessages SessionConversationView::newMessagesOf(const ChatMessages &input)
{
    const std::vector<ChatMessage> &all = input.messages();
    size_t start = 0;
    for (size_t i = 0; i < all.size(); ++i) {
        if (all[i].role == u"assistant")
            start = i + 1;
    }
    // Nothing after the last answer (an odd recording): show the last user message instead.
    if (start >= all.size()) {
        ChatMessages out;
        out.setFormat(input.format());
        if (const ChatMessage *last = input.lastWithRole(QStringLiteral("user")))
            out.append(*last);
        return out;
    }
    ChatMessages out;
    out.setFormat(input.format());
    for (size_t i = start; i < all.size(); ++i) {
        if (all[i].role != u"system" && all[i].role != u"developer")
            out.append(all[i]);
    }
    return out;
}

ChatMessages SessionConversationView::turnMessages(const QByteArray &payload, ChatMessages::Side side)
{
    const QByteArray trimmed = payload.trimmed();
    if (trimmed.isEmpty() || trimmed == "null")
        return {};
    const ChatMessages chat = ChatMessages::parse(trimmed, side);
    if (chat.isChat())
        return side == ChatMessages::Input ? newMessagesOf(chat) : chat;
    ChatMessage message;
    message.role = side == ChatMessages::Input ? QStringLiteral("user") : QStringLiteral("assistant");
    ChatPart part;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed);
    if (doc.isObject()) {
        static const char *const inputKeys[] = { "question", "query", "input", "prompt", "message", "text",
            "content", "task", "request", "instruction" };
        static const char *const outputKeys[] = { "answer", "output", "response", "result", "text", "content",
            "report", "summary", "completion", "message" };
        const QJsonObject object = doc.object();
        const auto find = [&object](const auto &keys) {
            for (const char *key : keys) {
                const QJsonValue value = object.value(QLatin1String(key));
                if (value.isString() && !value.toString().isEmpty())
                    return value.toString();
            }
            return QString();
        };
        part.text = side == ChatMessages::Input ? find(inputKeys) : find(outputKeys);
    }
    if (part.text.isEmpty()) {
        // No obvious text: the JSON itself, pretty, as code.
        part.kind = ChatPart::Kind::Other;
        part.text = ChatView::prettyJson(trimmed, ChatView::kPartChars * 2);
    }
    message.parts.push_back(std::move(part));
    ChatMessages out;
    out.setFormat(ChatFormat::Text);
    out.append(std::move(message));
    return out;
}

void SessionConversationView::showSession(qint64 sourceId, const QString &sessionId)
{
    const quint64 generation = ++m_generation;
    m_sourceId = sourceId;
    m_sessionId = sessionId;
    m_showTraces->setEnabled(true);
    m_title->setText(QStringLiteral("<b>%1</b>").arg(tr("Session %1").arg(sessionId).toHtmlEscaped()));
    m_facts->setText(tr("Loading…"));
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    runInBackground(
        this,
        [pool, sourceId, sessionId] {
            LoadedSession loaded;
            auto reader = pool->lease();
            if (!reader)
                return loaded;
            loaded.session = reader->session(sourceId, sessionId);
            for (TraceRow &row : reader->sessionTraces(sourceId, sessionId)) {
                SessionTurn turn;
                if (const auto detail = reader->traceDetail(row.rk)) {
                    // A cut payload is no longer valid JSON; it is then shown as text.
                    turn.input = turnMessages(detail->input.left(kTurnPayloadLimit), ChatMessages::Input);
                    turn.output = turnMessages(detail->output.left(kTurnPayloadLimit), ChatMessages::Output);
                }
                turn.trace = std::move(row);
                loaded.turns.push_back(std::move(turn));
            }
            return loaded;
        },
        [this, generation](LoadedSession result) {
            if (generation != m_generation)
                return;
            m_session = result.session;
            m_turns = std::move(result.turns);
            render();
            Q_EMIT loaded(static_cast<int>(m_turns.size()));
        });
}

void SessionConversationView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_sessionId.isEmpty() && m_session)
        render();
}

void SessionConversationView::render()
{
    const QString muted = theme::mutedText(palette()).name();
    QStringList facts;
    if (m_session) {
        const SessionRow &s = *m_session;
        if (!s.userId.isEmpty())
            facts << tr("user %1").arg(s.userId);
        facts << plural(s.traceCount, tr("1 trace"), tr("%1 traces"));
        facts << formatTimestamp(s.firstNs);
        if (s.durationNs() >= 0)
            facts << tr("lasted %1").arg(formatDuration(s.durationNs()));
        if (s.totalTokens > 0)
            facts << tr("%1 tokens").arg(QLocale().toString(s.totalTokens));
        if (s.cost > 0)
            facts << formatCost(s.cost);
        if (s.errorCount > 0)
            facts << plural(s.errorCount, tr("1 error"), tr("%1 errors"));
    }
    m_facts->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                         .arg(muted, facts.join(QStringLiteral(" · ")).toHtmlEscaped()));

    std::vector<ChatViewItem> items;
    if (m_turns.empty())
        items.push_back(ChatViewItem::note(tr("This session has no traces in the store.")));
    for (const SessionTurn &turn : m_turns) {
        const TraceRow &t = turn.trace;
        QStringList detail;
        detail << formatTimestamp(t.timestampNs);
        if (t.latencyNs >= 0)
            detail << formatDuration(t.latencyNs);
        if (t.totalTokens > 0)
            detail << tr("%1 tokens").arg(QLocale().toString(t.totalTokens));
        if (t.cost > 0)
            detail << formatCost(t.cost);
        if (t.errorCount > 0)
            detail << plural(t.errorCount, tr("1 error"), tr("%1 errors"));
        items.push_back(ChatViewItem::heading((t.name.isEmpty() ? t.id : t.name) + QStringLiteral(" →"),
            detail.join(QStringLiteral(" · ")), QStringLiteral("trace:%1").arg(t.rk)));
        if (!turn.input.isEmpty())
            items.push_back(ChatViewItem::conversation(turn.input));
        if (!turn.output.isEmpty())
            items.push_back(ChatViewItem::conversation(turn.output));
    }
    m_chat->setItems(std::move(items));
}

} // namespace tg
