#include "querylineedit.h"

#include "itemmodels/backgroundtask.h"
#include "store/readerpool.h"
#include "store/storereader.h"
#include "theme.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QCoreApplication>
#include <QInputMethodEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QStandardItemModel>
#include <QStyledItemDelegate>
#include <QTextCharFormat>
#include <QTimer>

namespace tg {

namespace {

constexpr int kDetailRole = Qt::UserRole + 1;
constexpr int kValueLimit = 50;

/// Candidate text on the left, its description muted on the right.
class CandidateDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(painter, option, index);
        const QString detail = index.data(kDetailRole).toString();
        if (detail.isEmpty())
            return;
        const bool selected = option.state & QStyle::State_Selected;
        painter->save();
        painter->setPen(
            selected ? option.palette.color(QPalette::HighlightedText) : theme::mutedText(option.palette));
        const QRect r = option.rect.adjusted(
            option.fontMetrics.horizontalAdvance(index.data().toString()) + 40, 0, -8, 0);
        painter->drawText(r, Qt::AlignVCenter | Qt::AlignRight,
            option.fontMetrics.elidedText(detail, Qt::ElideRight, std::max(0, r.width())));
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        size.setWidth(
            size.width() + option.fontMetrics.horizontalAdvance(index.data(kDetailRole).toString()) + 48);
        size.setHeight(std::max(size.height(), option.fontMetrics.height() + 6));
        return size;
    }
};

QStringList valuesFor(StoreReader &reader, const QString &field, const QString &prefix)
{
    if (field == u"name")
        return reader.traceNames(prefix, kValueLimit);
    if (field == u"user")
        return reader.userIds(prefix, kValueLimit);
    if (field == u"session")
        return reader.sessionIds(prefix, kValueLimit);
    if (field == u"tag")
        return reader.tags(prefix, kValueLimit);
    if (field == u"env")
        return reader.facetValues(FacetKind::Environment, prefix, kValueLimit);
    if (field == u"model")
        return reader.facetValues(FacetKind::Model, prefix, kValueLimit);
    if (field == u"agent")
        return reader.facetValues(FacetKind::Agent, prefix, kValueLimit);
    return {};
}

} // namespace

QueryLineEdit::QueryLineEdit(QWidget *parent)
    : QLineEdit(parent)
    , m_completer(new QCompleter(this))
    , m_candidates(new QStandardItemModel(this))
    , m_completionTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("traceFilterEdit"));
    setClearButtonEnabled(true);
    QStringList help;
    for (const auto &key : TraceQueryParser::keys())
        help << QStringLiteral("<tr><td><code>%1</code></td><td>%2</td></tr>")
                    .arg(key.example.toHtmlEscaped(), key.description.toHtmlEscaped());
    setToolTip(tr("<p>Filter traces. Free words search names, inputs and outputs.</p><table>%1</table>"
                  "<p>Ctrl+Space completes keys and values.</p>")
                   .arg(help.join(QString())));
    m_completer->setWidget(this);
    m_completer->setModel(m_candidates);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchStartsWith);
    m_completer->setMaxVisibleItems(12);
    m_completer->popup()->setItemDelegate(new CandidateDelegate(m_completer->popup()));
    m_completer->popup()->setObjectName(QStringLiteral("queryCompletionPopup"));
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this,
        &QueryLineEdit::acceptCompletion);
    m_completionTimer->setSingleShot(true);
    m_completionTimer->setInterval(120);
    connect(m_completionTimer, &QTimer::timeout, this, [this] {
        requestCompletion(m_forceNext);
        m_forceNext = false;
    });
    connect(this, &QLineEdit::textEdited, this, [this] {
        m_errors.clear();
        m_completionTimer->start();
    });
    connect(this, &QLineEdit::textChanged, this,
        [this] { QTimer::singleShot(0, this, &QueryLineEdit::applyFormats); });
}

void QueryLineEdit::setReaderPool(std::shared_ptr<ReaderPool> pool)
{
    m_pool = std::move(pool);
}

void QueryLineEdit::setErrors(const QList<QueryError> &errors)
{
    m_errors = errors;
    applyFormats();
}

QueryCompletion QueryLineEdit::completionContext() const
{
    return TraceQueryParser::completionAt(text(), cursorPosition());
}

QStringList QueryLineEdit::completionCandidates() const
{
    QStringList list;
    for (int i = 0; i < m_candidates->rowCount(); ++i)
        list << m_candidates->item(i)->text();
    return list;
}

void QueryLineEdit::requestCompletion(bool force)
{
    const quint64 generation = ++m_generation;
    const QueryCompletion context = completionContext();
    if (context.kind == QueryCompletion::Kind::Key) {
        if (context.prefix.isEmpty() && !force) {
            m_completer->popup()->hide();
            return;
        }
        QStringList values;
        QStringList details;
        for (const auto &key : TraceQueryParser::keys()) {
            if (key.key.startsWith(context.prefix, Qt::CaseInsensitive)) {
                values << key.key + u':';
                details << key.description;
            }
        }
        showCandidates(context, values, details);
        return;
    }
    QStringList fixed = TraceQueryParser::fixedValues(context.field);
    if (context.field == u"latency")
        fixed = { QStringLiteral(">1s"), QStringLiteral(">5s"), QStringLiteral(">30s"),
            QStringLiteral("<500ms"), QStringLiteral("1s..10s") };
    else if (context.field == u"cost")
        fixed = { QStringLiteral(">0.01"), QStringLiteral(">0.1"), QStringLiteral(">1"),
            QStringLiteral("<0.001") };
    if (!fixed.isEmpty() || !m_pool) {
        showCandidates(context, fixed, {});
        return;
    }
    std::shared_ptr<ReaderPool> pool = m_pool;
    runInBackground(
        this,
        [pool, context] {
            auto reader = pool->lease();
            return reader ? valuesFor(*reader, context.field, context.prefix) : QStringList();
        },
        [this, generation, context](const QStringList &values) {
            if (generation != m_generation)
                return;
            showCandidates(context, values, {});
        });
}

void QueryLineEdit::showCandidates(
    const QueryCompletion &context, const QStringList &values, const QStringList &details)
{
    m_context = context;
    m_candidates->clear();
    for (int i = 0; i < values.size(); ++i) {
        auto *item = new QStandardItem(values[i]);
        if (i < details.size())
            item->setData(details[i], kDetailRole);
        m_candidates->appendRow(item);
    }
    m_completer->setCompletionPrefix(context.prefix);
    const bool exactOnly = m_completer->completionCount() == 1
        && m_completer->currentCompletion().compare(context.prefix, Qt::CaseInsensitive) == 0;
    if (m_completer->completionCount() == 0 || exactOnly || !hasFocus()) {
        m_completer->popup()->hide();
    } else {
        QRect rect = cursorRect();
        rect.setWidth(std::max(320, m_completer->popup()->sizeHintForColumn(0) + 24));
        m_completer->complete(rect);
        m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
    }
    Q_EMIT completionsReady();
}

void QueryLineEdit::acceptCompletion(const QString &value)
{
    const QueryCompletion context = completionContext();
    int cursor = 0;
    const QString updated = TraceQueryParser::applyCompletion(text(), context, value, &cursor);
    setText(updated);
    setCursorPosition(cursor);
    Q_EMIT textEdited(updated);
    if (context.kind == QueryCompletion::Kind::Key) {
        // A key was chosen: offer its values right away.
        m_completionTimer->stop();
        requestCompletion(true);
    } else {
        m_completer->popup()->hide();
        m_completionTimer->stop();
    }
}

void QueryLineEdit::keyPressEvent(QKeyEvent *event)
{
    if (m_completer->popup()->isVisible()) {
        switch (event->key()) {
        case Qt::Key_Enter:
        case Qt::Key_Return:
        case Qt::Key_Escape:
        case Qt::Key_Tab:
        case Qt::Key_Backtab:
            event->ignore(); // the completer handles them
            return;
        default:
            break;
        }
    }
    if ((event->key() == Qt::Key_Space && event->modifiers() & Qt::ControlModifier)
        || (event->key() == Qt::Key_Down && !m_completer->popup()->isVisible())) {
        requestCompletion(true);
        return;
    }
    QLineEdit::keyPressEvent(event);
}

bool QueryLineEdit::event(QEvent *event)
{
    // Tab accepts the highlighted completion instead of moving the focus.
    if (event->type() == QEvent::KeyPress && m_completer->popup()->isVisible()) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Tab) {
            const QModelIndex current = m_completer->popup()->currentIndex();
            if (current.isValid()) {
                m_completer->popup()->hide();
                acceptCompletion(current.data().toString());
                return true;
            }
        }
    }
    return QLineEdit::event(event);
}

void QueryLineEdit::applyFormats()
{
    // Formats travel as input-method attributes, relative to the cursor: the only way to style
    // parts of a QLineEdit's text without replacing its painting.
    QList<QInputMethodEvent::Attribute> attributes;
    const int cursor = cursorPosition();
    QTextCharFormat key;
    key.setForeground(palette().color(QPalette::Link));
    const QString current = text();
    for (const QueryTerm &term : TraceQueryParser::terms(current)) {
        if (term.keyLength > 0)
            attributes.append({ QInputMethodEvent::TextFormat, term.start - cursor, term.keyLength, key });
    }
    QTextCharFormat error;
    error.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    error.setUnderlineColor(theme::errorColor(palette()));
    for (const QueryError &e : std::as_const(m_errors)) {
        const int start = std::clamp(e.position, 0, static_cast<int>(current.size()));
        const int length = std::clamp(e.length, 0, static_cast<int>(current.size()) - start);
        if (length > 0)
            attributes.append({ QInputMethodEvent::TextFormat, start - cursor, length, error });
    }
    QInputMethodEvent event(QString(), attributes);
    QCoreApplication::sendEvent(this, &event);
}

} // namespace tg
