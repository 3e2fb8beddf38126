#pragma once

#include "replay/replayrequest.h"

#include <QFrame>
#include <QScrollArea>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QToolButton;
class QVBoxLayout;

namespace tg {

/// One editable message: role, content, and per role the tool calls (JSON), the call a tool
/// result answers, image URLs.
class MessageCard : public QFrame
{
    Q_OBJECT

public:
    explicit MessageCard(QWidget *parent = nullptr);

    void setMessage(const ReplayMessage &message);
    /// The message as edited; false and `error` when the tool calls are not valid JSON.
    bool message(ReplayMessage *out, QString *error) const;
    QComboBox *roleBox() const { return m_role; }
    QPlainTextEdit *contentEdit() const { return m_content; }
    QPlainTextEdit *toolCallsEdit() const { return m_toolCalls; }

Q_SIGNALS:
    void removeRequested(tg::MessageCard *card);
    void moveRequested(tg::MessageCard *card, int delta);
    void changed();

private:
    void updateRoleFields();

    QComboBox *m_role;
    QLineEdit *m_callId;
    QLineEdit *m_toolName;
    QCheckBox *m_isError;
    QPlainTextEdit *m_content;
    QLabel *m_callsLabel;
    QPlainTextEdit *m_toolCalls;
    QToolButton *m_addCalls;
    QLineEdit *m_images;
};

/// The conversation of a replay as a scrolling list of MessageCards with add, remove and reorder.
class MessageListEditor : public QScrollArea
{
    Q_OBJECT

public:
    explicit MessageListEditor(QWidget *parent = nullptr);

    void setMessages(const std::vector<ReplayMessage> &messages);
    /// The messages as edited; false and `error` (naming the message) when one is invalid.
    bool messages(std::vector<ReplayMessage> *out, QString *error) const;
    QList<MessageCard *> cards() const;
    void addMessage(const ReplayMessage &message);

Q_SIGNALS:
    void changed();

private:
    void removeCard(MessageCard *card);
    void moveCard(MessageCard *card, int delta);

    QWidget *m_body;
    QVBoxLayout *m_cards;
};

} // namespace tg
