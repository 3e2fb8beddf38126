#include "messagelisteditor.h"

#include "icons.h"
#include "theme.h"

#include <QAbstractTextDocumentLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBlock>
#include <QToolButton>
#include <QVBoxLayout>

namespace tg {

namespace {

/// Grows a plain text edit with its text between `minLines` and `maxLines` (then it scrolls).
void autoHeight(QPlainTextEdit *edit, int minLines, int maxLines)
{
    const auto update = [edit, minLines, maxLines] {
        const int lines = std::clamp(
            int(edit->document()->documentLayout()->documentSize().height()), minLines, maxLines);
        const int height = lines * edit->fontMetrics().lineSpacing()
            + int(edit->document()->documentMargin() * 2) + edit->frameWidth() * 2 + 4;
        if (edit->height() != height)
            edit->setFixedHeight(height);
    };
    QObject::connect(
        edit->document()->documentLayout(), &QAbstractTextDocumentLayout::documentSizeChanged, edit, update);
    update();
}

QToolButton *iconButton(const QString &icon, const QString &tip, QWidget *parent)
{
    auto *b = new QToolButton(parent);
    b->setIcon(icons::icon(icon));
    b->setToolTip(tip);
    b->setAutoRaise(true);
    return b;
}

} // namespace

MessageCard::MessageCard(QWidget *parent)
    : QFrame(parent)
    , m_role(new QComboBox(this))
    , m_callId(new QLineEdit(this))
    , m_toolName(new QLineEdit(this))
    , m_isError(new QCheckBox(tr("error"), this))
    , m_content(new QPlainTextEdit(this))
    , m_callsLabel(new QLabel(tr("Tool calls (JSON: [{\"id\", \"name\", \"arguments\"}])"), this))
    , m_toolCalls(new QPlainTextEdit(this))
    , m_addCalls(new QToolButton(this))
    , m_images(new QLineEdit(this))
{
    setObjectName(QStringLiteral("messageCard"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, theme::mix(p.color(QPalette::Window), p.color(QPalette::Base), 0.6));
    setPalette(p);

    m_role->addItems({ QStringLiteral("system"), QStringLiteral("user"), QStringLiteral("assistant"),
        QStringLiteral("tool") });
    m_role->setObjectName(QStringLiteral("messageRole"));
    m_callId->setPlaceholderText(tr("tool call id"));
    m_callId->setObjectName(QStringLiteral("toolCallId"));
    m_toolName->setPlaceholderText(tr("tool name"));
    m_toolName->setMaximumWidth(150);
    m_callId->setMaximumWidth(180);
    m_toolName->setMinimumWidth(60);
    m_callId->setMinimumWidth(60);
    m_content->setObjectName(QStringLiteral("messageContent"));
    m_content->setPlaceholderText(tr("Message text"));
    m_content->setTabChangesFocus(true);
    m_toolCalls->setObjectName(QStringLiteral("toolCallsJson"));
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_toolCalls->setFont(mono);
    m_toolCalls->setTabChangesFocus(true);
    m_images->setPlaceholderText(tr("image URLs, separated by spaces"));
    m_images->setObjectName(QStringLiteral("imageUrls"));
    m_addCalls->setText(tr("+ tool calls"));
    m_addCalls->setAutoRaise(true);
    QFont small = m_callsLabel->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_callsLabel->setFont(small);
    m_callsLabel->setForegroundRole(QPalette::PlaceholderText);

    QToolButton *up = iconButton(QStringLiteral("up"), tr("Move up"), this);
    QToolButton *down = iconButton(QStringLiteral("down"), tr("Move down"), this);
    QToolButton *remove = iconButton(QStringLiteral("close"), tr("Remove this message"), this);
    remove->setObjectName(QStringLiteral("removeMessage"));

    auto *header = new QHBoxLayout;
    header->setSpacing(6);
    header->addWidget(m_role);
    header->addWidget(m_callId);
    header->addWidget(m_toolName);
    header->addWidget(m_isError);
    header->addWidget(m_addCalls);
    header->addStretch(1);
    header->addWidget(up);
    header->addWidget(down);
    header->addWidget(remove);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 8);
    layout->setSpacing(4);
    layout->addLayout(header);
    layout->addWidget(m_content);
    layout->addWidget(m_images);
    layout->addWidget(m_callsLabel);
    layout->addWidget(m_toolCalls);
    autoHeight(m_content, 2, 14);
    autoHeight(m_toolCalls, 2, 10);

    connect(m_role, &QComboBox::currentTextChanged, this, [this] {
        updateRoleFields();
        Q_EMIT changed();
    });
    connect(m_addCalls, &QToolButton::clicked, this, [this] {
        if (m_toolCalls->toPlainText().trimmed().isEmpty())
            m_toolCalls->setPlainText(
                QStringLiteral("[\n  {\"id\": \"call_1\", \"name\": \"\", \"arguments\": {}}\n]"));
        m_toolCalls->show();
        m_callsLabel->show();
        m_addCalls->hide();
        m_toolCalls->setFocus();
    });
    connect(up, &QToolButton::clicked, this, [this] { Q_EMIT moveRequested(this, -1); });
    connect(down, &QToolButton::clicked, this, [this] { Q_EMIT moveRequested(this, 1); });
    connect(remove, &QToolButton::clicked, this, [this] { Q_EMIT removeRequested(this); });
    for (QPlainTextEdit *edit : { m_content, m_toolCalls })
        connect(edit, &QPlainTextEdit::textChanged, this, &MessageCard::changed);
    for (QLineEdit *edit : { m_callId, m_toolName, m_images })
        connect(edit, &QLineEdit::textChanged, this, &MessageCard::changed);
    updateRoleFields();
}

void MessageCard::updateRoleFields()
{
    const QString role = m_role->currentText();
    const bool tool = role == u"tool";
    const bool assistant = role == u"assistant";
    const bool hasCalls = !m_toolCalls->toPlainText().trimmed().isEmpty();
    m_callId->setVisible(tool);
    m_toolName->setVisible(tool);
    m_isError->setVisible(tool);
    m_images->setVisible(role == u"user" && !m_images->text().isEmpty());
    m_toolCalls->setVisible(assistant && hasCalls);
    m_callsLabel->setVisible(assistant && hasCalls);
    m_addCalls->setVisible(assistant && !hasCalls);
    m_content->setPlaceholderText(tool ? tr("Tool result")
            : role == u"system"        ? tr("System prompt")
                                       : tr("Message text"));
}

void MessageCard::setMessage(const ReplayMessage &message)
{
    m_role->setCurrentText(message.role);
    m_content->setPlainText(message.content);
    m_callId->setText(message.toolCallId);
    m_toolName->setText(message.name);
    m_callId->setCursorPosition(0);
    m_toolName->setCursorPosition(0);
    m_isError->setChecked(message.isError);
    m_images->setText(message.imageUrls.join(u' '));
    m_toolCalls->setPlainText(message.toolCalls.empty()
            ? QString()
            : QString::fromUtf8(replayToolCallsToJson(message.toolCalls)).trimmed());
    updateRoleFields();
}

bool MessageCard::message(ReplayMessage *out, QString *error) const
{
    ReplayMessage m;
    m.role = m_role->currentText();
    m.content = m_content->toPlainText();
    if (m.role == u"tool") {
        m.toolCallId = m_callId->text().trimmed();
        m.name = m_toolName->text().trimmed();
        m.isError = m_isError->isChecked();
    }
    if (m.role == u"user")
        m.imageUrls = m_images->text().split(u' ', Qt::SkipEmptyParts);
    if (m.role == u"assistant"
        && !replayToolCallsFromJson(m_toolCalls->toPlainText().toUtf8(), &m.toolCalls, error))
        return false;
    *out = std::move(m);
    return true;
}

MessageListEditor::MessageListEditor(QWidget *parent)
    : QScrollArea(parent)
    , m_body(new QWidget)
    , m_cards(new QVBoxLayout)
{
    setObjectName(QStringLiteral("messageList"));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    auto *add = new QPushButton(icons::icon(QStringLiteral("chat")), tr("Add Message"), m_body);
    add->setObjectName(QStringLiteral("addMessage"));
    connect(add, &QPushButton::clicked, this, [this] {
        ReplayMessage m;
        m.role = cards().isEmpty() || cards().last()->roleBox()->currentText() != u"user"
            ? QStringLiteral("user")
            : QStringLiteral("assistant");
        addMessage(m);
        cards().last()->contentEdit()->setFocus();
        QMetaObject::invokeMethod(
            this, [this] { verticalScrollBar()->setValue(verticalScrollBar()->maximum()); },
            Qt::QueuedConnection);
    });
    m_cards->setSpacing(6);
    m_cards->setContentsMargins(0, 0, 0, 0);
    auto *layout = new QVBoxLayout(m_body);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(m_cards);
    auto *row = new QHBoxLayout;
    row->addWidget(add);
    row->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(1);
    setWidget(m_body);
}

QList<MessageCard *> MessageListEditor::cards() const
{
    QList<MessageCard *> out;
    for (int i = 0; i < m_cards->count(); ++i) {
        if (auto *card = qobject_cast<MessageCard *>(m_cards->itemAt(i)->widget()))
            out << card;
    }
    return out;
}

void MessageListEditor::addMessage(const ReplayMessage &message)
{
    auto *card = new MessageCard(m_body);
    card->setMessage(message);
    m_cards->addWidget(card);
    connect(card, &MessageCard::changed, this, &MessageListEditor::changed);
    connect(card, &MessageCard::removeRequested, this, &MessageListEditor::removeCard);
    connect(card, &MessageCard::moveRequested, this, &MessageListEditor::moveCard);
    Q_EMIT changed();
}

void MessageListEditor::setMessages(const std::vector<ReplayMessage> &messages)
{
    for (MessageCard *card : cards()) {
        m_cards->removeWidget(card);
        card->deleteLater();
    }
    for (const ReplayMessage &m : messages)
        addMessage(m);
}

bool MessageListEditor::messages(std::vector<ReplayMessage> *out, QString *error) const
{
    std::vector<ReplayMessage> messages;
    int index = 0;
    for (MessageCard *card : cards()) {
        ++index;
        ReplayMessage m;
        QString cardError;
        if (!card->message(&m, &cardError)) {
            *error = tr("Message %1: the tool calls are %2.").arg(index).arg(cardError);
            return false;
        }
        messages.push_back(std::move(m));
    }
    *out = std::move(messages);
    return true;
}

void MessageListEditor::removeCard(MessageCard *card)
{
    m_cards->removeWidget(card);
    card->deleteLater();
    Q_EMIT changed();
}

void MessageListEditor::moveCard(MessageCard *card, int delta)
{
    const int from = m_cards->indexOf(card);
    const int to = from + delta;
    if (from < 0 || to < 0 || to >= m_cards->count())
        return;
    m_cards->removeWidget(card);
    m_cards->insertWidget(to, card);
    Q_EMIT changed();
}

} // namespace tg
