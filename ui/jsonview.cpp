#include "jsonview.h"

#include "icons.h"
#include "itemmodels/jsontreemodel.h"
#include "theme.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPainter>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace tg {

namespace {

constexpr qsizetype kMaxPlainText = 1024 * 1024;

/// Keys in the text colour, values coloured by kind (strings, numbers, literals), monospace.
class JsonValueDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        option->fontMetrics = QFontMetrics(option->font);
        if (index.column() == JsonTreeModel::TypeColumn) {
            option->palette.setColor(QPalette::Text, theme::mutedText(option->palette));
            return;
        }
        if (index.column() != JsonTreeModel::ValueColumn)
            return;
        const auto kind = static_cast<FlatJson::Kind>(index.data(JsonTreeModel::KindRole).toInt());
        const QPalette &pal = option->palette;
        QColor color = pal.color(QPalette::Text);
        switch (kind) {
        case FlatJson::Kind::String:
            color = theme::typeColor(ObservationType::Retriever, pal);
            break;
        case FlatJson::Kind::Number:
            color = theme::typeColor(ObservationType::Span, pal);
            break;
        case FlatJson::Kind::True:
        case FlatJson::Kind::False:
        case FlatJson::Kind::Null:
            color = theme::typeColor(ObservationType::Generation, pal);
            break;
        case FlatJson::Kind::Object:
        case FlatJson::Kind::Array:
            color = theme::mutedText(pal);
            break;
        }
        option->palette.setColor(QPalette::Text, color);
    }
};

} // namespace

JsonView::JsonView(QWidget *parent)
    : QWidget(parent)
    , m_model(new JsonTreeModel(this))
    , m_search(new QLineEdit(this))
    , m_matchLabel(new QLabel(this))
    , m_previous(new QToolButton(this))
    , m_next(new QToolButton(this))
    , m_stack(new QStackedWidget(this))
    , m_view(new QTreeView(m_stack))
    , m_text(new QPlainTextEdit(m_stack))
    , m_message(new QLabel(m_stack))
{
    setObjectName(QStringLiteral("jsonView"));
    m_search->setObjectName(QStringLiteral("jsonSearch"));
    m_search->setPlaceholderText(tr("Find in keys and values…"));
    m_search->setClearButtonEnabled(true);
    m_search->addAction(icons::icon(QStringLiteral("search")), QLineEdit::LeadingPosition);
    m_search->installEventFilter(this);
    m_previous->setIcon(icons::icon(QStringLiteral("up")));
    m_previous->setToolTip(tr("Previous match (Shift+Enter)"));
    m_previous->setAutoRaise(true);
    m_next->setIcon(icons::icon(QStringLiteral("down")));
    m_next->setToolTip(tr("Next match (Enter)"));
    m_next->setAutoRaise(true);
    auto *copyPathButton = new QToolButton(this);
    copyPathButton->setText(tr("Copy path"));
    copyPathButton->setToolTip(tr("Copy the JSONPath of the current row (Ctrl+Shift+C)"));
    copyPathButton->setAutoRaise(true);
    auto *copyValueButton = new QToolButton(this);
    copyValueButton->setIcon(icons::icon(QStringLiteral("copy")));
    copyValueButton->setText(tr("Copy value"));
    copyValueButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    copyValueButton->setToolTip(tr("Copy the value of the current row (Ctrl+C)"));
    copyValueButton->setAutoRaise(true);

    m_view->setObjectName(QStringLiteral("jsonTree"));
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setItemDelegate(new JsonValueDelegate(m_view));
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(JsonTreeModel::ValueColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(JsonTreeModel::KeyColumn, 200);
    m_view->setColumnWidth(JsonTreeModel::TypeColumn, 120);
    m_view->installEventFilter(this);
    m_text->setReadOnly(true);
    m_text->setFrameShape(QFrame::NoFrame);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_text);
    m_stack->addWidget(m_message);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 4, 6, 4);
    bar->setSpacing(2);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_matchLabel);
    bar->addWidget(m_previous);
    bar->addWidget(m_next);
    bar->addSpacing(8);
    bar->addWidget(copyPathButton);
    bar->addWidget(copyValueButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);

    auto *debounce = new QTimer(this);
    debounce->setSingleShot(true);
    debounce->setInterval(200);
    connect(m_search, &QLineEdit::textChanged, debounce, qOverload<>(&QTimer::start));
    connect(debounce, &QTimer::timeout, this, [this] { search(m_search->text()); });
    connect(m_previous, &QToolButton::clicked, this, &JsonView::previousMatch);
    connect(m_next, &QToolButton::clicked, this, &JsonView::nextMatch);
    connect(copyPathButton, &QToolButton::clicked, this, &JsonView::copyPath);
    connect(copyValueButton, &QToolButton::clicked, this, &JsonView::copyValue);
    connect(m_view, &QTreeView::customContextMenuRequested, this, &JsonView::showContextMenu);
    showMessage(tr("Nothing recorded."));
}

void JsonView::setDocument(std::shared_ptr<const FlatJson> document, const QByteArray &raw)
{
    m_matches.clear();
    m_current = -1;
    if (!document) {
        m_model->clear();
        if (raw.trimmed().isEmpty()) {
            showMessage(tr("Nothing recorded."));
            return;
        }
        QString text = QString::fromUtf8(raw.left(kMaxPlainText));
        if (raw.size() > kMaxPlainText)
            text += tr("\n… %1 more not shown").arg(JsonTreeModel::formatBytes(raw.size() - kMaxPlainText));
        m_text->setPlainText(text);
        m_stack->setCurrentWidget(m_text);
        updateMatchLabel();
        return;
    }
    m_model->setDocument(std::move(document));
    m_stack->setCurrentWidget(m_view);
    // Small documents open fully; big ones show their top two levels.
    if (m_model->document()->nodeCount() <= 400)
        m_view->expandAll();
    else
        m_view->expandToDepth(0);
    if (!m_search->text().isEmpty())
        search(m_search->text());
    updateMatchLabel();
}

void JsonView::showMessage(const QString &text)
{
    m_model->clear();
    m_matches.clear();
    m_current = -1;
    m_message->setText(text);
    m_stack->setCurrentWidget(m_message);
    updateMatchLabel();
}

int JsonView::search(const QString &text)
{
    if (m_search->text() != text) {
        const QSignalBlocker blocker(m_search);
        m_search->setText(text);
    }
    m_matches = m_model->find(text, 10000, &m_truncated);
    m_current = -1;
    if (!m_matches.empty())
        showMatch(0);
    updateMatchLabel();
    return static_cast<int>(m_matches.size());
}

void JsonView::nextMatch()
{
    if (m_matches.empty())
        return;
    showMatch((m_current + 1) % static_cast<int>(m_matches.size()));
}

void JsonView::previousMatch()
{
    if (m_matches.empty())
        return;
    const int n = static_cast<int>(m_matches.size());
    showMatch((m_current - 1 + n) % n);
}

void JsonView::showMatch(int which)
{
    m_current = which;
    const QModelIndex index = m_model->indexForNode(m_matches[static_cast<size_t>(which)]);
    if (index.isValid()) {
        for (QModelIndex p = index.parent(); p.isValid(); p = p.parent())
            m_view->expand(p);
        m_view->setCurrentIndex(index);
        m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
    }
    updateMatchLabel();
}

void JsonView::updateMatchLabel()
{
    const bool any = !m_matches.empty();
    m_previous->setEnabled(any);
    m_next->setEnabled(any);
    if (m_search->text().isEmpty()) {
        m_matchLabel->clear();
        return;
    }
    if (!any) {
        m_matchLabel->setText(tr("no matches"));
        return;
    }
    m_matchLabel->setText(tr("%1 of %2%3")
                              .arg(m_current + 1)
                              .arg(m_matches.size())
                              .arg(m_truncated ? QStringLiteral("+") : QString()));
}

void JsonView::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

QString JsonView::currentPath() const
{
    return m_model->path(m_view->currentIndex());
}

QString JsonView::currentValue() const
{
    return m_model->fullValue(m_view->currentIndex());
}

void JsonView::copyPath()
{
    const QString path = currentPath();
    if (path.isEmpty())
        return;
    QApplication::clipboard()->setText(path);
    Q_EMIT statusMessage(tr("Copied %1").arg(path));
}

void JsonView::copyValue()
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid())
        return;
    QApplication::clipboard()->setText(currentValue());
    Q_EMIT statusMessage(tr("Copied the value of %1").arg(currentPath()));
}

void JsonView::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return;
    QMenu menu(this);
    menu.addAction(icons::icon(QStringLiteral("copy")), tr("Copy value"), this, &JsonView::copyValue);
    menu.addAction(tr("Copy path (%1)").arg(m_model->path(index)), this, &JsonView::copyPath);
    menu.addAction(
        tr("Copy key"), this, [this, index] { QApplication::clipboard()->setText(m_model->keyText(index)); });
    if (m_model->hasChildren(index.siblingAtColumn(0))) {
        menu.addSeparator();
        menu.addAction(
            icons::icon(QStringLiteral("expand-all")), tr("Expand all below"), this, [this, index] {
                // Bounded: a huge subtree opens three levels deep.
                m_view->expandRecursively(
                    index.siblingAtColumn(0), m_model->rowCount(index.siblingAtColumn(0)) > 2000 ? 2 : -1);
            });
        menu.addAction(icons::icon(QStringLiteral("collapse-all")), tr("Collapse"), this,
            [this, index] { m_view->collapse(index.siblingAtColumn(0)); });
    }
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

bool JsonView::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    if (watched == m_search) {
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter || key->key() == Qt::Key_F3) {
            if (m_search->text() != QString() && m_matches.empty())
                search(m_search->text());
            else if (key->modifiers() & Qt::ShiftModifier)
                previousMatch();
            else
                nextMatch();
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            m_view->setFocus();
            return true;
        }
        if (key->key() == Qt::Key_Down) {
            m_view->setFocus();
            return true;
        }
    } else if (watched == m_view) {
        if (key->matches(QKeySequence::Copy)) {
            copyValue();
            return true;
        }
        if (key->key() == Qt::Key_C && key->modifiers() == (Qt::ControlModifier | Qt::ShiftModifier)) {
            copyPath();
            return true;
        }
        if (key->key() == Qt::Key_F3) {
            (key->modifiers() & Qt::ShiftModifier) ? previousMatch() : nextMatch();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace tg
