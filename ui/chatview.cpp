#include "chatview.h"

#include "chatviewrenderer_p.h"
#include "plural.h"
#include "theme.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QScrollBar>
#include <QTextCursor>
#include <QTextDocument>

namespace tg {

ChatViewItem ChatViewItem::heading(const QString &title, const QString &detail, const QString &anchor)
{
    ChatViewItem item;
    item.kind = Kind::Heading;
    item.title = title;
    item.detail = detail;
    item.anchor = anchor;
    return item;
}

ChatViewItem ChatViewItem::conversation(ChatMessages messages)
{
    ChatViewItem item;
    item.kind = Kind::Messages;
    item.messages = std::move(messages);
    return item;
}

ChatViewItem ChatViewItem::rawPayload(const QString &title, QByteArray payload)
{
    ChatViewItem item;
    item.kind = Kind::Payload;
    item.title = title;
    item.payload = std::move(payload);
    return item;
}

ChatViewItem ChatViewItem::note(const QString &text)
{
    ChatViewItem item;
    item.kind = Kind::Note;
    item.title = text;
    return item;
}

ChatView::ChatView(QWidget *parent)
    : QTextBrowser(parent)
{
    setObjectName(QStringLiteral("chatView"));
    setOpenLinks(false);
    setOpenExternalLinks(false);
    setFrameShape(QFrame::NoFrame);
    setUndoRedoEnabled(false);
    document()->setDocumentMargin(10);
    connect(this, &QTextBrowser::anchorClicked, this, &ChatView::onAnchor);
}

QString ChatView::prettyJson(const QByteArray &json, int maxChars, bool *cut)
{
    QString text;
    const QByteArray trimmed = json.trimmed();
    const bool structured = trimmed.startsWith('{') || trimmed.startsWith('[');
    if (structured && trimmed.size() <= 512 * 1024) {
        const QJsonDocument doc = QJsonDocument::fromJson(trimmed);
        if (!doc.isNull())
            text = QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    }
    bool truncatedRaw = false;
    if (text.isNull() && trimmed.startsWith('"') && trimmed.endsWith('"') && trimmed.size() <= 512 * 1024) {
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[" + trimmed + "]"));
        if (doc.isArray())
            text = doc.array().at(0).toString();
    }
    if (text.isNull()) {
        const qsizetype rawLimit = static_cast<qsizetype>(maxChars) * 4;
        truncatedRaw = json.size() > rawLimit;
        text = QString::fromUtf8(json.left(rawLimit));
    }
    if (text.endsWith(u'\n'))
        text.chop(1);
    const bool isCut = text.size() > maxChars;
    if (cut)
        *cut = isCut || truncatedRaw;
    return isCut ? text.left(maxChars) : text;
}

void ChatView::setItems(std::vector<ChatViewItem> items)
{
    m_items = std::move(items);
    m_expanded.clear();
    rebuild();
    verticalScrollBar()->setValue(0);
}

void ChatView::setConversation(const ChatMessages &input, const ChatMessages &output,
    const QByteArray &rawInput, const QByteArray &rawOutput)
{
    std::vector<ChatViewItem> items;
    const auto add = [&](const QString &title, const ChatMessages &chat, const QByteArray &raw) {
        const QByteArray trimmed = raw.trimmed();
        if (trimmed.isEmpty() || trimmed == "null")
            return;
        if (chat.isChat()) {
            const int count = static_cast<int>(chat.messages().size());
            items.push_back(ChatViewItem::heading(title,
                plural(count, tr("1 message"), tr("%1 messages"))
                    + (chat.format() == ChatFormat::Text
                            ? QString()
                            : QStringLiteral(" · ") + chatFormatName(chat.format()))));
            items.push_back(ChatViewItem::conversation(chat));
        } else {
            items.push_back(ChatViewItem::rawPayload(title, raw));
        }
    };
    add(tr("Input"), input, rawInput);
    add(tr("Output"), output, rawOutput);
    if (items.empty())
        items.push_back(ChatViewItem::note(tr("No input or output was recorded.")));
    setItems(std::move(items));
}

void ChatView::showMessage(const QString &text)
{
    setItems({ ChatViewItem::note(text) });
}

void ChatView::setRenderMarkdown(bool on)
{
    if (m_markdown == on)
        return;
    m_markdown = on;
    rebuild();
}

void ChatView::rebuild()
{
    const int scroll = verticalScrollBar()->value();
    QTextDocument *doc = renderChatDocument(m_items, palette(), font(), m_expanded, m_markdown, this);
    setDocument(doc); // the previous document is a child of this view; setDocument deletes it
    verticalScrollBar()->setValue(scroll);
    setHighlight(m_highlight);
}

int ChatView::setHighlight(const QString &text)
{
    m_highlight = text;
    QList<QTextEdit::ExtraSelection> selections;
    if (!text.isEmpty()) {
        QTextCharFormat format;
        format.setBackground(theme::matchBackground(palette()));
        QTextCursor cursor(document());
        while (selections.size() < 1000) {
            cursor = document()->find(text, cursor);
            if (cursor.isNull())
                break;
            selections.append({ cursor, format });
        }
    }
    m_highlightCount = static_cast<int>(selections.size());
    setExtraSelections(selections);
    if (!selections.isEmpty()) {
        QTextCursor first = selections.front().cursor;
        first.clearSelection();
        setTextCursor(first);
        ensureCursorVisible();
    }
    return m_highlightCount;
}

void ChatView::onAnchor(const QUrl &url)
{
    const QString anchor = url.toString();
    if (anchor.startsWith(u"tg-expand:")) {
        m_expanded.insert(anchor.mid(10));
        rebuild();
        return;
    }
    if (anchor.startsWith(u"tg-more:")) {
        m_expanded.insert(QStringLiteral("more:") + anchor.mid(8));
        rebuild();
        return;
    }
    Q_EMIT anchorActivated(anchor);
}

void ChatView::changeEvent(QEvent *event)
{
    QTextBrowser::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_items.empty())
        rebuild();
}

} // namespace tg
