// The document a ChatView shows, built with a text cursor: frames per message, budgets per part.
#include "chatviewrenderer_p.h"
#include "icons.h"
#include "itemmodels/jsontreemodel.h"
#include "plural.h"
#include "theme.h"

#include <QFontDatabase>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>

namespace tg {

namespace {

using Kind = ChatPart::Kind;

QString roleTitle(const QString &role)
{
    if (role == u"user")
        return ChatView::tr("User");
    if (role == u"assistant")
        return ChatView::tr("Assistant");
    if (role == u"system")
        return ChatView::tr("System");
    if (role == u"developer")
        return ChatView::tr("Developer");
    if (role == u"tool")
        return ChatView::tr("Tool");
    return role.isEmpty() ? ChatView::tr("Message") : role.left(1).toUpper() + role.mid(1);
}

QString mediaLabel(const ChatPart &p)
{
    QStringList bits;
    switch (p.kind) {
    case Kind::Image:
        bits << ChatView::tr("Image");
        break;
    case Kind::Audio:
        bits << ChatView::tr("Audio");
        break;
    default:
        bits << ChatView::tr("File");
        break;
    }
    if (!p.text.isEmpty())
        bits << p.text;
    if (!p.mimeType.isEmpty())
        bits << p.mimeType;
    if (p.byteSize >= 0)
        bits << JsonTreeModel::formatBytes(p.byteSize);
    if (!p.url.isEmpty())
        bits << (p.url.size() > 120 ? p.url.left(117) + QStringLiteral("…") : p.url);
    return bits.join(QStringLiteral(" · "));
}

/// Builds the document with a cursor; owns the budget.
class Renderer
{
public:
    Renderer(QTextDocument *doc, const QPalette &palette, const QSet<QString> &expanded, bool markdown)
        : m_doc(doc)
        , m_palette(palette)
        , m_expanded(expanded)
        , m_markdown(markdown)
        , m_mono(QFontDatabase::systemFont(QFontDatabase::FixedFont))
    {
        m_text.setForeground(palette.color(QPalette::Text));
        m_muted = m_text;
        m_muted.setForeground(theme::mutedText(palette));
        m_bold = m_text;
        m_bold.setFontWeight(QFont::DemiBold);
        m_code = m_text;
        m_code.setFont(m_mono);
        m_link = m_text;
        m_link.setForeground(palette.color(QPalette::Link));
        m_link.setAnchor(true);
    }

    void heading(const ChatViewItem &item)
    {
        QTextCursor c = endCursor();
        QTextBlockFormat bf;
        bf.setTopMargin(m_first ? 0 : 14);
        bf.setBottomMargin(2);
        newBlock(c, bf);
        QTextCharFormat title = m_bold;
        title.setFontPointSize(m_doc->defaultFont().pointSizeF() * 1.05);
        if (!item.anchor.isEmpty()) {
            title.setForeground(m_palette.color(QPalette::Link));
            title.setAnchor(true);
            title.setAnchorHref(item.anchor);
        }
        c.insertText(item.title, title);
        if (!item.detail.isEmpty())
            c.insertText(QStringLiteral("   ") + item.detail, m_muted);
    }

    void note(const QString &text)
    {
        QTextCursor c = endCursor();
        QTextBlockFormat bf;
        bf.setTopMargin(6);
        newBlock(c, bf);
        c.insertText(text, m_muted);
    }

    void payload(int item, const ChatViewItem &it)
    {
        heading(ChatViewItem::heading(it.title));
        QTextCursor c
            = openFrame(theme::mix(m_palette.color(QPalette::Base), m_palette.color(QPalette::Text), 0.035),
                theme::mix(m_palette.color(QPalette::Base), m_palette.color(QPalette::Text), 0.12), 0);
        const QString key = QStringLiteral("payload:%1").arg(item);
        const int limit = limitFor(key);
        bool cut = false;
        const QString text = ChatView::prettyJson(it.payload, limit, &cut);
        c.insertText(text, m_code);
        m_used += text.size();
        if (cut)
            moreLink(c, key, it.payload.size() - text.toUtf8().size(), limit >= ChatView::kExpandedPartChars);
    }

    void messages(int item, const ChatViewItem &it)
    {
        const ChatMessages &chat = it.messages;
        const std::vector<ChatMessage> &list = chat.messages();
        if (!chat.tools().empty())
            tools(item, chat);
        const int count = static_cast<int>(list.size());
        const bool fold
            = count > ChatView::kMaxMessages && !m_expanded.contains(QStringLiteral("more:%1").arg(item));
        const int head = fold ? 10 : count;
        const int tailStart = fold ? count - (ChatView::kMaxMessages - 10) : count;
        for (int m = 0; m < count; ++m) {
            if (m == head && fold) {
                QTextCursor c = endCursor();
                QTextBlockFormat bf;
                bf.setTopMargin(6);
                bf.setAlignment(Qt::AlignHCenter);
                newBlock(c, bf);
                QTextCharFormat link = m_link;
                link.setAnchorHref(QStringLiteral("tg-more:%1").arg(item));
                c.insertText(plural(tailStart - head, ChatView::tr("Show 1 earlier message"),
                                 ChatView::tr("Show %1 earlier messages")),
                    link);
                m = tailStart - 1;
                continue;
            }
            message(item, m, list[static_cast<size_t>(m)]);
        }
    }

private:
    QTextCursor endCursor() { return m_doc->rootFrame()->lastCursorPosition(); }

    void newBlock(QTextCursor &c, const QTextBlockFormat &bf)
    {
        if (m_first && m_doc->isEmpty()) {
            c.setBlockFormat(bf);
        } else {
            c.insertBlock(bf);
        }
        m_first = false;
    }

    QTextCursor openFrame(const QColor &background, const QColor &border, int indent)
    {
        QTextCursor c = endCursor();
        QTextFrameFormat ff;
        ff.setBackground(background);
        ff.setBorder(1);
        ff.setBorderBrush(border);
        ff.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
        ff.setPadding(8);
        ff.setTopMargin(m_first ? 0 : 6);
        ff.setLeftMargin(indent);
        QTextFrame *frame = c.insertFrame(ff);
        m_first = false;
        return frame->firstCursorPosition();
    }

    int limitFor(const QString &key) const
    {
        if (m_expanded.contains(key))
            return ChatView::kExpandedPartChars;
        return m_used > ChatView::kBudgetChars ? ChatView::kTightChars : ChatView::kPartChars;
    }

    void moreLink(QTextCursor &c, const QString &key, qsizetype hiddenBytes, bool atCap)
    {
        c.insertBlock();
        if (atCap) {
            c.insertText(ChatView::tr("… %1 more not shown here; the JSON tabs have all of it")
                             .arg(JsonTreeModel::formatBytes(std::max<qsizetype>(0, hiddenBytes))),
                m_muted);
            return;
        }
        QTextCharFormat link = m_link;
        link.setAnchorHref(QStringLiteral("tg-expand:") + key);
        c.insertText(QStringLiteral("… "), m_muted);
        c.insertText(ChatView::tr("show all (%1 more)")
                         .arg(JsonTreeModel::formatBytes(std::max<qsizetype>(0, hiddenBytes))),
            link);
    }

    /// Inserts text cut at the part's limit; Markdown for short texts when enabled.
    void insertText(QTextCursor &c, const QString &text, const QString &key, const QTextCharFormat &format,
        bool allowMarkdown)
    {
        const int limit = limitFor(key);
        const bool cut = text.size() > limit;
        const QString shown = cut ? text.left(limit) : text;
        m_used += shown.size();
        if (allowMarkdown && m_markdown && !cut && shown.size() <= 20000 && looksLikeMarkdown(shown)) {
            c.insertMarkdown(shown);
        } else {
            c.insertText(shown, format);
        }
        if (cut)
            moreLink(c, key, (text.size() - shown.size()) * 1, limit >= ChatView::kExpandedPartChars);
    }

    static bool looksLikeMarkdown(const QString &text)
    {
        return text.contains(QStringLiteral("**")) || text.contains(QStringLiteral("```"))
            || text.contains(QStringLiteral("\n- ")) || text.contains(QStringLiteral("\n* "))
            || text.contains(QStringLiteral("\n#")) || text.startsWith(u'#')
            || text.contains(QStringLiteral("\n1. ")) || text.contains(QStringLiteral("]("));
    }

    QColor roleColor(const QString &role) const
    {
        if (role == u"user")
            return m_palette.color(QPalette::Highlight);
        if (role == u"assistant")
            return theme::typeColor(ObservationType::Generation, m_palette);
        if (role == u"tool")
            return theme::typeColor(ObservationType::Tool, m_palette);
        return theme::mutedText(m_palette);
    }

    void tools(int item, const ChatMessages &chat)
    {
        const QString key = QStringLiteral("tools:%1").arg(item);
        QTextCursor c = endCursor();
        QTextBlockFormat bf;
        bf.setTopMargin(m_first ? 0 : 6);
        newBlock(c, bf);
        QStringList names;
        for (const ChatToolDefinition &t : chat.tools())
            names << t.name;
        c.insertImage(icon(QStringLiteral("type-tool"), theme::typeColor(ObservationType::Tool, m_palette)));
        c.insertText(QStringLiteral(" ") + ChatView::tr("Tools offered: "), m_muted);
        c.insertText(names.join(QStringLiteral(", ")), m_bold);
        if (!m_expanded.contains(key)) {
            QTextCharFormat link = m_link;
            link.setAnchorHref(QStringLiteral("tg-expand:") + key);
            c.insertText(QStringLiteral("  "), m_muted);
            c.insertText(ChatView::tr("show definitions"), link);
            return;
        }
        for (const ChatToolDefinition &t : chat.tools()) {
            QTextCursor f = openFrame(m_palette.color(QPalette::Base),
                theme::mix(m_palette.color(QPalette::Base), m_palette.color(QPalette::Text), 0.12), 16);
            f.insertText(t.name, m_bold);
            if (!t.description.isEmpty()) {
                f.insertBlock();
                f.insertText(t.description, m_text);
            }
            if (!t.parameters.isEmpty()) {
                f.insertBlock();
                f.insertText(ChatView::prettyJson(t.parameters.toUtf8(), ChatView::kPartChars), m_code);
            }
        }
    }

    QTextImageFormat icon(const QString &name, const QColor &color)
    {
        const QString resource = QStringLiteral("tg-icon:%1/%2").arg(name, color.name());
        const qreal dpr = 2.0; // rendered at 2x: sharp on high-DPI screens, scaled down elsewhere
        if (!m_doc->resource(QTextDocument::ImageResource, QUrl(resource)).isValid())
            m_doc->addResource(
                QTextDocument::ImageResource, QUrl(resource), icons::pixmap(name, 16, dpr, color).toImage());
        QTextImageFormat f;
        f.setName(resource);
        f.setWidth(14);
        f.setHeight(14);
        f.setVerticalAlignment(QTextCharFormat::AlignMiddle);
        return f;
    }

    void message(int item, int index, const ChatMessage &m)
    {
        const QPalette &pal = m_palette;
        const QColor accent = roleColor(m.role);
        const QColor base = pal.color(QPalette::Base);
        QColor background = base;
        if (m.role == u"user")
            background = theme::mix(base, accent, theme::isDark(pal) ? 0.14 : 0.07);
        else if (m.role == u"assistant")
            background = theme::mix(base, accent, theme::isDark(pal) ? 0.10 : 0.05);
        else if (m.role == u"system" || m.role == u"developer")
            background = theme::mix(base, pal.color(QPalette::Text), 0.04);
        const int indent = m.role == u"tool" ? 16 : 0;
        QTextCursor c = openFrame(background, theme::mix(base, accent, 0.35), indent);

        QTextCharFormat role = m_bold;
        role.setForeground(accent);
        c.insertText(roleTitle(m.role), role);
        if (!m.name.isEmpty())
            c.insertText(QStringLiteral("  ") + m.name, m_muted);
        if (!m.finishReason.isEmpty())
            c.insertText(QStringLiteral("  · ") + ChatView::tr("finish: %1").arg(m.finishReason), m_muted);

        for (size_t i = 0; i < m.parts.size(); ++i) {
            const ChatPart &p = m.parts[i];
            const QString key = QStringLiteral("part:%1:%2:%3").arg(item).arg(index).arg(i);
            QTextBlockFormat bf;
            bf.setTopMargin(5);
            c.insertBlock(bf);
            switch (p.kind) {
            case Kind::Text:
                insertText(c, p.text, key, m_text, true);
                break;
            case Kind::Refusal: {
                QTextCharFormat f = m_text;
                f.setForeground(theme::warningColor(pal));
                c.insertText(ChatView::tr("Refusal: "), m_bold);
                insertText(c, p.text, key, f, false);
                break;
            }
            case Kind::Thinking: {
                c.insertImage(icon(QStringLiteral("thinking"), theme::mutedText(pal)));
                c.insertText(QStringLiteral(" ") + ChatView::tr("Thinking"), m_muted);
                c.insertBlock();
                QTextCharFormat f = m_muted;
                f.setFontItalic(true);
                if (p.redacted)
                    c.insertText(ChatView::tr("(redacted by the provider)"), f);
                else
                    insertText(c, p.text, key, f, false);
                break;
            }
            case Kind::ToolCall: {
                const QColor tool = theme::typeColor(ObservationType::Tool, pal);
                c.insertImage(icon(QStringLiteral("type-tool"), tool));
                QTextCharFormat name = m_bold;
                name.setFont(m_mono);
                name.setFontWeight(QFont::DemiBold);
                c.insertText(QStringLiteral(" ")
                        + (p.toolCall.name.isEmpty() ? ChatView::tr("tool call") : p.toolCall.name),
                    name);
                if (!p.toolCall.id.isEmpty())
                    c.insertText(QStringLiteral("  ") + p.toolCall.id, m_muted);
                if (!p.toolCall.arguments.isEmpty()) {
                    c.insertBlock();
                    const int limit = limitFor(key);
                    bool cut = false;
                    const QString args = ChatView::prettyJson(p.toolCall.arguments.toUtf8(), limit, &cut);
                    c.insertText(args, m_code);
                    m_used += args.size();
                    if (cut)
                        moreLink(c, key, p.toolCall.arguments.size() - args.size(),
                            limit >= ChatView::kExpandedPartChars);
                }
                break;
            }
            case Kind::ToolResult: {
                QTextCharFormat label = m_muted;
                if (p.isError)
                    label.setForeground(theme::errorColor(pal));
                c.insertImage(icon(p.isError ? QStringLiteral("error") : QStringLiteral("link"),
                    p.isError ? theme::errorColor(pal) : theme::mutedText(pal)));
                QString title = p.isError ? ChatView::tr(" Failed result") : ChatView::tr(" Result");
                if (!p.toolCall.name.isEmpty())
                    title += ChatView::tr(" of %1").arg(p.toolCall.name);
                if (!p.toolCall.id.isEmpty())
                    title += ChatView::tr(" for %1").arg(p.toolCall.id);
                c.insertText(title, label);
                c.insertBlock();
                const int limit = limitFor(key);
                bool cut = false;
                const QString text = ChatView::prettyJson(p.text.toUtf8(), limit, &cut);
                c.insertText(text, m_code);
                m_used += text.size();
                if (cut)
                    moreLink(c, key, p.text.size() - text.size(), limit >= ChatView::kExpandedPartChars);
                break;
            }
            case Kind::Image:
            case Kind::Audio:
            case Kind::File: {
                const QString name = p.kind == Kind::Image ? QStringLiteral("image")
                    : p.kind == Kind::Audio                ? QStringLiteral("audio")
                                                           : QStringLiteral("file");
                c.insertImage(icon(name, theme::mutedText(pal)));
                c.insertText(QStringLiteral(" ") + mediaLabel(p), m_muted);
                break;
            }
            case Kind::Other:
                insertText(c, p.text, key, m_code, false);
                break;
            }
        }
    }

    QTextDocument *m_doc;
    QPalette m_palette;
    const QSet<QString> &m_expanded;
    bool m_markdown;
    QFont m_mono;
    QTextCharFormat m_text;
    QTextCharFormat m_muted;
    QTextCharFormat m_bold;
    QTextCharFormat m_code;
    QTextCharFormat m_link;
    qsizetype m_used = 0;
    bool m_first = true;
};

} // namespace

QTextDocument *renderChatDocument(const std::vector<ChatViewItem> &items, const QPalette &palette,
    const QFont &font, const QSet<QString> &expanded, bool markdown, QObject *parent)
{
    auto *doc = new QTextDocument(parent);
    doc->setDocumentMargin(10);
    doc->setDefaultFont(font);
    doc->setUndoRedoEnabled(false);
    {
        Renderer r(doc, palette, expanded, markdown);
        for (size_t i = 0; i < items.size(); ++i) {
            const ChatViewItem &item = items[i];
            switch (item.kind) {
            case ChatViewItem::Kind::Heading:
                r.heading(item);
                break;
            case ChatViewItem::Kind::Messages:
                r.messages(static_cast<int>(i), item);
                break;
            case ChatViewItem::Kind::Payload:
                r.payload(static_cast<int>(i), item);
                break;
            case ChatViewItem::Kind::Note:
                r.note(item.title);
                break;
            }
        }
    }
    return doc;
}

} // namespace tg
