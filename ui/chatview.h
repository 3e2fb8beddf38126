#pragma once

#include "chat/chatmessages.h"

#include <QSet>
#include <QTextBrowser>

#include <vector>

namespace tg {

/// One block of what a ChatView shows.
struct ChatViewItem
{
    enum class Kind { Heading, Messages, Payload, Note };
    Kind kind = Kind::Note;
    QString title; ///< heading text, payload title, note text
    QString detail; ///< muted text after a heading
    QString anchor; ///< makes a heading a link (ChatView::anchorActivated)
    ChatMessages messages;
    QByteArray payload; ///< raw JSON or text for Kind::Payload

    static ChatViewItem heading(const QString &title, const QString &detail = {}, const QString &anchor = {});
    static ChatViewItem conversation(ChatMessages messages);
    static ChatViewItem rawPayload(const QString &title, QByteArray payload);
    static ChatViewItem note(const QString &text);
};

/// Renders conversations as chat turns: role headers, text (Markdown optional), thinking, tool calls
/// with pretty arguments, tool results linked to their call ids, images and other media as
/// placeholders with their size, and the tools offered. Big payloads never freeze it: each part is
/// cut at a few thousand characters ("show all" expands it), the whole document has a budget after
/// which parts shrink further, and long conversations fold their middle. Text stays selectable.
class ChatView : public QTextBrowser
{
    Q_OBJECT

public:
    static constexpr int kPartChars = 4000; ///< a part longer than this is cut with "show all"
    static constexpr int kExpandedPartChars
        = 300000; ///< even "show all" stops here (the JSON tab has the rest)
    static constexpr int kBudgetChars = 60000; ///< past this, parts are cut at kTightChars
    static constexpr int kTightChars = 500;
    static constexpr int kMaxMessages = 200; ///< longer conversations fold their middle

    explicit ChatView(QWidget *parent = nullptr);

    void setItems(std::vector<ChatViewItem> items);
    const std::vector<ChatViewItem> &items() const { return m_items; }
    /// The usual observation layout: input then output, as chat when they are, as JSON otherwise.
    void setConversation(const ChatMessages &input, const ChatMessages &output, const QByteArray &rawInput,
        const QByteArray &rawOutput);
    void showMessage(const QString &text);

    /// Highlights every occurrence of `text` (case-insensitive); returns the count.
    int setHighlight(const QString &text);
    int highlightCount() const { return m_highlightCount; }
    bool renderMarkdown() const { return m_markdown; }
    void setRenderMarkdown(bool on);

    /// JSON pretty-printed (indent 2) when it parses and is small enough, else as is; cut after
    /// `maxChars` characters (`cut` tells).
    static QString prettyJson(const QByteArray &json, int maxChars, bool *cut = nullptr);

Q_SIGNALS:
    /// A link that is not the view's own (e.g. "trace:42" in a session conversation).
    void anchorActivated(const QString &anchor);

protected:
    void changeEvent(QEvent *event) override;

private:
    void rebuild();
    void onAnchor(const QUrl &url);

    std::vector<ChatViewItem> m_items;
    QSet<QString> m_expanded; ///< "part:item:message:part", "more:item", "tools:item", "payload:item"
    QString m_highlight;
    int m_highlightCount = 0;
    bool m_markdown = true;
};

} // namespace tg
