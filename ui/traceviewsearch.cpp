// TraceView: search inside the trace, and moving through it (matches, errors, jumps, expansion).
#include "itemmodels/backgroundtask.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/spantreemodel.h"
#include "observationdetailview.h"
#include "plural.h"
#include "spantreeview.h"
#include "store/storereader.h"
#include "store/tracestore.h"
#include "traceview.h"

#include <QLabel>
#include <QLineEdit>

namespace tg {

namespace {

struct ContentSearch
{
    QSet<qint64> observationRks;
    bool traceMatches = false;
    qint64 backlog = 0;
    QString error;
};

// Content matches past this many are not marked (a trace rarely holds that many observations).
constexpr int kContentSearchLimit = 200000;

} // namespace

QSet<qint64> TraceView::nameMatches(const QString &text) const
{
    QSet<qint64> rks;
    const SpanTree &tree = m_model->tree();
    if (text.isEmpty() || tree.isEmpty())
        return rks;
    // Names are interned: test each distinct string once, then pick nodes by string id.
    const StringTable &strings = tree.strings();
    std::vector<char> hit(static_cast<size_t>(strings.size()), 0);
    for (int i = 1; i < strings.size(); ++i)
        hit[static_cast<size_t>(i)]
            = strings.at(static_cast<quint32>(i)).contains(text, Qt::CaseInsensitive) ? 1 : 0;
    for (int node = 0; node < tree.size(); ++node) {
        const SpanTree::Node &n = tree.node(node);
        if (hit[n.name] || hit[n.model]
            || (text.size() >= 6 && tree.id(node).startsWith(text, Qt::CaseInsensitive)))
            rks.insert(n.rk);
    }
    return rks;
}

void TraceView::search(const QString &text)
{
    const QString trimmed = text.trimmed();
    const quint64 generation = ++m_searchGeneration;
    m_searchText = trimmed;
    m_contentMatches.clear();
    m_traceMatches = false;
    if (m_searchEdit->text().trimmed() != trimmed) {
        const QSignalBlocker blocker(m_searchEdit);
        m_searchEdit->setText(text);
    }
    m_detail->setHighlight(trimmed);
    if (trimmed.isEmpty() || m_traceRk == 0) {
        m_searchRunning = false;
        m_model->setSearchMatches({});
        updateMatchLabel();
        Q_EMIT searchFinished(0);
        return;
    }
    // Names first (instant), then the contents from the full-text index.
    m_searchRunning = true;
    applyMatches({}, false);
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    const qint64 traceRk = m_traceRk;
    runInBackground(
        this,
        [pool, trimmed, traceRk] {
            ContentSearch result;
            auto reader = pool->lease();
            if (!reader)
                return result;
            const FullTextResult found = reader->search(trimmed, kContentSearchLimit, traceRk);
            result.error = found.error;
            result.backlog = found.backlog;
            for (const FullTextHit &hit : found.hits) {
                if (hit.observationRk > 0)
                    result.observationRks.insert(hit.observationRk);
                else
                    result.traceMatches = true;
            }
            return result;
        },
        [this, generation](ContentSearch result) {
            if (generation != m_searchGeneration)
                return;
            m_searchRunning = false;
            m_contentMatches = result.observationRks;
            m_traceMatches = result.traceMatches;
            applyMatches(m_contentMatches, true);
            if (!result.error.isEmpty())
                Q_EMIT statusMessage(tr("Search in contents failed: %1").arg(result.error));
        });
}

void TraceView::applyMatches(const QSet<qint64> &contentRks, bool final)
{
    QSet<qint64> all = nameMatches(m_searchText);
    all.unite(contentRks);
    m_model->setSearchMatches(all);
    const QModelIndex current = m_tree->currentIndex();
    if (m_model->searchMatchCount() > 0 && !current.data(SearchMatchRole).toBool())
        m_tree->reveal(m_model->nextSearchMatch(QModelIndex()), QAbstractItemView::PositionAtCenter);
    updateMatchLabel();
    if (final)
        Q_EMIT searchFinished(m_model->searchMatchCount());
}

int TraceView::searchMatchCount() const
{
    return m_model->searchMatchCount();
}

void TraceView::updateMatchLabel()
{
    if (m_searchText.isEmpty()) {
        m_matchLabel->clear();
        return;
    }
    const int count = m_model->searchMatchCount();
    QString text;
    if (count == 0) {
        text = m_searchRunning ? tr("searching…") : tr("no matches");
    } else {
        // Position of the current row among the matches, in display order.
        const SpanTree &tree = m_model->tree();
        const int current = m_model->nodeForIndex(m_tree->currentIndex());
        int position = 0;
        if (current >= 0 && m_tree->currentIndex().data(SearchMatchRole).toBool()) {
            for (int node = tree.next(-1); node >= 0; node = tree.next(node)) {
                if (m_model->isSearchMatch(node))
                    ++position;
                if (node == current)
                    break;
            }
        }
        text = position > 0 ? tr("%1 of %2").arg(position).arg(count)
                            : plural(count, tr("1 match"), tr("%1 matches"));
        if (m_searchRunning)
            text += QStringLiteral(" …");
    }
    if (m_traceMatches)
        text += tr(" · trace I/O matches");
    m_matchLabel->setText(text);
}

void TraceView::nextMatch()
{
    const QModelIndex next = m_model->nextSearchMatch(m_tree->currentIndex());
    jumpTo(next, m_searchText.isEmpty() ? tr("No search: press / to search this trace") : tr("No matches"));
}

void TraceView::previousMatch()
{
    const QModelIndex previous = m_model->nextSearchMatch(m_tree->currentIndex(), true);
    jumpTo(
        previous, m_searchText.isEmpty() ? tr("No search: press / to search this trace") : tr("No matches"));
}

void TraceView::jumpTo(const QModelIndex &index, const QString &emptyMessage)
{
    if (!index.isValid()) {
        Q_EMIT statusMessage(emptyMessage);
        return;
    }
    m_tree->reveal(index, QAbstractItemView::PositionAtCenter);
    updateMatchLabel();
}

void TraceView::nextError()
{
    QModelIndex next = m_model->firstErrorAfter(m_tree->currentIndex());
    if (!next.isValid())
        next = m_model->firstErrorAfter(QModelIndex()); // wrap
    jumpTo(next, tr("No errors in this trace"));
}

void TraceView::previousError()
{
    QModelIndex previous = m_model->lastErrorBefore(m_tree->currentIndex());
    if (!previous.isValid())
        previous = m_model->lastErrorBefore(QModelIndex());
    jumpTo(previous, tr("No errors in this trace"));
}

void TraceView::expandAll()
{
    m_tree->expandAll();
    Q_EMIT m_tree->rowsRelaidOut();
}

void TraceView::collapseAll()
{
    m_tree->collapseAll();
    const QModelIndex current = m_tree->currentIndex();
    if (current.isValid()) {
        // Keep the selection on screen: move it to its top-level ancestor.
        QModelIndex top = current;
        while (top.parent().isValid())
            top = top.parent();
        m_tree->setCurrentIndex(top);
    }
    Q_EMIT m_tree->rowsRelaidOut();
}

void TraceView::expandToErrors()
{
    m_tree->expandToErrors();
    const QModelIndex first = m_model->firstErrorAfter(QModelIndex());
    if (!first.isValid())
        Q_EMIT statusMessage(tr("No errors in this trace"));
}

void TraceView::jumpToMostExpensive()
{
    jumpTo(m_model->mostExpensiveGeneration(), tr("No generation with a cost in this trace"));
}

void TraceView::jumpToSlowest()
{
    jumpTo(m_model->slowestGeneration(), tr("No timed generation in this trace"));
}

void TraceView::focusSearch()
{
    m_searchEdit->setFocus(Qt::ShortcutFocusReason);
    m_searchEdit->selectAll();
}

} // namespace tg
