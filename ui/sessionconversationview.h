#pragma once

#include "chat/chatmessages.h"
#include "domain/rows.h"

#include <QWidget>

class QLabel;
class QToolButton;

namespace tg {

class ChatView;
class TraceStore;

/// One turn of a session: a trace with the new user input and the answer, as chat.
struct SessionTurn
{
    TraceRow trace;
    ChatMessages input; ///< only what this turn added to the conversation
    ChatMessages output;
};

/// A session read as a conversation: its traces in time order, each trace's input and output as
/// chat turns, with a link into each trace. Loaded off the GUI thread.
class SessionConversationView : public QWidget
{
    Q_OBJECT

public:
    explicit SessionConversationView(TraceStore *store, QWidget *parent = nullptr);

    void showSession(qint64 sourceId, const QString &sessionId);
    void clear();
    qint64 sourceId() const { return m_sourceId; }
    QString sessionId() const { return m_sessionId; }
    ChatView *chatView() const { return m_chat; }
    const std::vector<SessionTurn> &turns() const { return m_turns; }

    /// Keeps only what a turn adds to the conversation (the messages after the last assistant
    /// message of the input), so a session does not repeat its history on every turn.
    static ChatMessages newMessagesOf(const ChatMessages &input);
    /// A trace payload as chat turns: chat payloads as they are (inputs reduced to what they
    /// add), anything else as one message of its main text ("question", "answer", ...) or its
    /// JSON, so every turn reads as a conversation.
    static ChatMessages turnMessages(const QByteArray &payload, ChatMessages::Side side);

Q_SIGNALS:
    void traceActivated(qint64 traceRk);
    void showTracesRequested(qint64 sourceId, const QString &sessionId);
    void loaded(int turns);

protected:
    void changeEvent(QEvent *event) override;

private:
    void render();

    TraceStore *m_store;
    QLabel *m_title;
    QLabel *m_facts;
    QToolButton *m_showTraces;
    ChatView *m_chat;
    qint64 m_sourceId = 0;
    QString m_sessionId;
    std::optional<SessionRow> m_session;
    std::vector<SessionTurn> m_turns;
    quint64 m_generation = 0;
};

} // namespace tg
