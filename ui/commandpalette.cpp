#include "commandpalette.h"

#include "theme.h"

#include <QAction>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListView>
#include <QPainter>
#include <QRegularExpression>
#include <QStandardItemModel>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace tg {

namespace {

constexpr int kCategoryRole = Qt::UserRole + 1;
constexpr int kShortcutRole = Qt::UserRole + 2;
constexpr int kEntryRole = Qt::UserRole + 3;

/// Icon, command, its menu in muted text, and the shortcut as key caps on the right.
class CommandDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        size.setHeight(option.fontMetrics.height() + 12);
        return size;
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString text = opt.text;
        opt.text.clear();
        opt.icon = QIcon();
        const QWidget *widget = opt.widget;
        QStyle *style = widget ? widget->style() : nullptr;
        if (style)
            style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
        const bool selected = opt.state & QStyle::State_Selected;
        const QColor textColor
            = selected ? opt.palette.color(QPalette::HighlightedText) : opt.palette.color(QPalette::Text);
        const QColor muted = selected ? textColor : theme::mutedText(opt.palette);
        QRect r = opt.rect.adjusted(10, 0, -10, 0);
        painter->save();
        const QIcon icon = index.data(Qt::DecorationRole).value<QIcon>();
        if (!icon.isNull())
            icon.paint(painter, QRect(r.left(), r.top() + (r.height() - 16) / 2, 16, 16), Qt::AlignCenter,
                selected ? QIcon::Selected : QIcon::Normal);
        r.setLeft(r.left() + 26);
        // Key caps, right to left.
        const QString shortcut = index.data(kShortcutRole).toString();
        if (!shortcut.isEmpty()) {
            QFont small = opt.font;
            small.setPointSizeF(small.pointSizeF() * 0.9);
            const QFontMetrics fm(small);
            painter->setFont(small);
            painter->setRenderHint(QPainter::Antialiasing);
            const QStringList keys
                = shortcut.split(QStringLiteral(", ")).first().split(u'+', Qt::SkipEmptyParts);
            int x = r.right();
            for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
                const int w = std::max(fm.horizontalAdvance(*it) + 10, fm.height() + 4);
                const QRect cap(x - w + 1, r.top() + (r.height() - fm.height() - 4) / 2, w, fm.height() + 4);
                painter->setPen(muted);
                painter->setBrush(Qt::NoBrush);
                painter->drawRoundedRect(QRectF(cap).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
                painter->drawText(cap, Qt::AlignCenter, *it);
                x -= w + 3;
            }
            r.setRight(x - 8);
            painter->setFont(opt.font);
        }
        const QString category = index.data(kCategoryRole).toString();
        painter->setPen(textColor);
        const int textWidth = opt.fontMetrics.horizontalAdvance(text);
        painter->drawText(
            r, Qt::AlignVCenter | Qt::AlignLeft, opt.fontMetrics.elidedText(text, Qt::ElideRight, r.width()));
        if (!category.isEmpty() && textWidth + 20 < r.width()) {
            painter->setPen(muted);
            painter->drawText(r.adjusted(textWidth + 12, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft,
                opt.fontMetrics.elidedText(category, Qt::ElideRight, r.width() - textWidth - 12));
        }
        painter->restore();
    }
};

} // namespace

CommandPalette::CommandPalette(QWidget *window, Provider provider)
    : QFrame(window, Qt::Popup | Qt::FramelessWindowHint)
    , m_provider(std::move(provider))
    , m_edit(new QLineEdit(this))
    , m_list(new QListView(this))
    , m_model(new QStandardItemModel(this))
{
    setObjectName(QStringLiteral("commandPalette"));
    setFrameShape(QFrame::StyledPanel);
    m_edit->setObjectName(QStringLiteral("commandFilter"));
    m_edit->setPlaceholderText(tr("Type a command…"));
    m_edit->installEventFilter(this);
    m_list->setObjectName(QStringLiteral("commandList"));
    m_list->setModel(m_model);
    m_list->setItemDelegate(new CommandDelegate(m_list));
    m_list->setUniformItemSizes(true);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setFocusPolicy(Qt::NoFocus);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);
    layout->addWidget(m_edit);
    layout->addWidget(m_list, 1);
    connect(m_edit, &QLineEdit::textChanged, this, &CommandPalette::refilter);
    connect(m_list, &QListView::clicked, this, [this](const QModelIndex &index) {
        m_list->setCurrentIndex(index);
        runCurrent();
    });
}

QString CommandPalette::cleanText(const QAction *action)
{
    QString text = action->text();
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(u'&');
    text.replace(QStringLiteral("\x01"), QStringLiteral("&"));
    if (text.endsWith(QStringLiteral("...")))
        text.chop(3);
    if (text.endsWith(u'…'))
        text.chop(1);
    return text;
}

int CommandPalette::matchScore(const QString &query, const QString &text)
{
    const QString q = query.trimmed().toLower();
    if (q.isEmpty())
        return 0;
    const QString t = text.toLower();
    static const QRegularExpression separators(QStringLiteral("[^\\w]+"));
    const QStringList words = t.split(separators, Qt::SkipEmptyParts);
    const int length = static_cast<int>(t.size());
    if (t.startsWith(q))
        return 1000 - length / 8;
    const qsizetype at = t.indexOf(q);
    if (at > 0 && !t[at - 1].isLetterOrNumber())
        return 900 - static_cast<int>(at);
    // Each typed word starts a word of the command, in order ("exp err" -> Expand to Errors).
    const QStringList parts = q.split(separators, Qt::SkipEmptyParts);
    int w = 0;
    int skipped = 0;
    bool all = !parts.isEmpty();
    for (const QString &part : parts) {
        while (w < words.size() && !words[w].startsWith(part)) {
            ++w;
            ++skipped;
        }
        if (w >= words.size()) {
            all = false;
            break;
        }
        ++w;
    }
    if (all && parts.size() > 1)
        return 850 - skipped;
    // Initials ("ea" -> Expand All).
    if (parts.size() == 1 && q.size() <= words.size()) {
        int wi = 0;
        bool initials = true;
        for (const QChar c : q) {
            while (wi < words.size() && words[wi].front() != c)
                ++wi;
            if (wi >= words.size()) {
                initials = false;
                break;
            }
            ++wi;
        }
        if (initials)
            return 800 - wi;
    }
    if (at >= 0)
        return 500 - static_cast<int>(at);
    // Any subsequence: reward word starts and runs, punish gaps.
    int score = 0;
    int ti = 0;
    int previous = -2;
    for (const QChar c : q) {
        if (c.isSpace())
            continue;
        while (ti < length && t[ti] != c)
            ++ti;
        if (ti >= length)
            return -1;
        const bool wordStart = ti == 0 || !t[ti - 1].isLetterOrNumber();
        score += wordStart ? 12 : 1;
        if (ti == previous + 1)
            score += 6;
        else if (previous >= 0)
            score -= std::min(6, ti - previous);
        previous = ti;
        ++ti;
    }
    return 100 + score;
}

void CommandPalette::popup()
{
    m_entries = m_provider ? m_provider() : QList<CommandEntry>();
    QWidget *window = parentWidget() ? parentWidget()->window() : nullptr;
    const int width = window ? std::min(640, window->width() - 40) : 600;
    m_maxHeight = window ? std::min(460, window->height() - 80) : 420;
    resize(width, m_maxHeight);
    if (window)
        move(window->mapToGlobal(QPoint((window->width() - width) / 2, 60)));
    {
        const QSignalBlocker blocker(m_edit);
        m_edit->clear();
    }
    refilter();
    show();
    raise();
    activateWindow();
    m_edit->setFocus(Qt::PopupFocusReason);
}

void CommandPalette::refilter()
{
    const QString query = m_edit->text().trimmed();
    struct Scored
    {
        int score;
        int order;
        const CommandEntry *entry;
    };
    std::vector<Scored> scored;
    for (int i = 0; i < m_entries.size(); ++i) {
        const CommandEntry &e = m_entries[i];
        if (!e.action || !e.action->isEnabled() || !e.action->isVisible())
            continue;
        const QString text = cleanText(e.action);
        int score = matchScore(query, text);
        if (score < 0)
            score = matchScore(query, e.category + u' ' + text) - 50;
        if (query.isEmpty() || score >= 0)
            scored.push_back({ score, i, &e });
    }
    std::stable_sort(
        scored.begin(), scored.end(), [](const Scored &a, const Scored &b) { return a.score > b.score; });
    m_model->clear();
    for (const Scored &s : scored) {
        QAction *action = s.entry->action;
        QString text = cleanText(action);
        if (action->isCheckable())
            text += action->isChecked() ? tr(" (on)") : tr(" (off)");
        auto *item = new QStandardItem(action->icon(), text);
        item->setData(s.entry->category, kCategoryRole);
        item->setData(action->shortcut().toString(QKeySequence::NativeText), kShortcutRole);
        item->setData(s.order, kEntryRole);
        item->setToolTip(action->toolTip());
        m_model->appendRow(item);
    }
    if (m_model->rowCount() > 0)
        m_list->setCurrentIndex(m_model->index(0, 0));
    // The popup shrinks to what it lists (up to the height popup() allowed).
    const int rowHeight
        = m_list->sizeHintForRow(0) > 0 ? m_list->sizeHintForRow(0) : fontMetrics().height() + 12;
    const int rows = std::clamp(m_model->rowCount(), 1, 14);
    const int wanted = m_edit->sizeHint().height() + rows * rowHeight + 24;
    if (m_maxHeight > 0)
        resize(width(), std::min(m_maxHeight, wanted));
}

QStringList CommandPalette::visibleCommands() const
{
    QStringList list;
    for (int i = 0; i < m_model->rowCount(); ++i)
        list << m_model->item(i)->text();
    return list;
}

void CommandPalette::runCurrent()
{
    const QModelIndex current = m_list->currentIndex();
    if (!current.isValid())
        return;
    const int order = current.data(kEntryRole).toInt();
    QPointer<QAction> action = order >= 0 && order < m_entries.size() ? m_entries[order].action : nullptr;
    hide();
    // Run after the popup has closed, so the action sees the window's focus, not the palette's.
    if (action)
        QTimer::singleShot(0, action, [action] {
            if (action && action->isEnabled())
                action->trigger();
        });
}

bool CommandPalette::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_edit && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        const int rows = m_model->rowCount();
        int row = m_list->currentIndex().row();
        switch (key->key()) {
        case Qt::Key_Down:
            row = std::min(rows - 1, row + 1);
            break;
        case Qt::Key_Up:
            row = std::max(0, row - 1);
            break;
        case Qt::Key_PageDown:
            row = std::min(rows - 1, row + 10);
            break;
        case Qt::Key_PageUp:
            row = std::max(0, row - 10);
            break;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            runCurrent();
            return true;
        case Qt::Key_Escape:
            hide();
            return true;
        default:
            return QFrame::eventFilter(watched, event);
        }
        if (rows > 0)
            m_list->setCurrentIndex(m_model->index(row, 0));
        return true;
    }
    return QFrame::eventFilter(watched, event);
}

} // namespace tg
