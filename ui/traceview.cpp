#include "traceview.h"

#include "domain/timeformat.h"
#include "itemmodels/backgroundtask.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/spantreemodel.h"
#include "itemmodels/tracelistmodel.h"
#include "observationdetailview.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace tg {

namespace {

struct LoadedTrace
{
    std::optional<TraceRow> row;
    SpanTree tree;
    qint64 maxSeq = 0;
    int observations = 0;
};

struct LiveChanges
{
    std::optional<TraceRow> row;
    std::vector<ObservationRow> rows;
};

// Fully expanded up to this many nodes; bigger trees open to this depth.
constexpr int kExpandAllLimit = 5000;
constexpr int kInitialDepth = 2;

} // namespace

TraceView::TraceView(TraceStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_model(new SpanTreeModel(this))
    , m_header(new QLabel(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_tree(new QTreeView(m_splitter))
    , m_detail(new ObservationDetailView(m_splitter))
    , m_liveTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("traceView"));
    m_header->setObjectName(QStringLiteral("traceHeader"));
    m_header->setTextFormat(Qt::RichText);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setContentsMargins(8, 4, 8, 4);
    m_splitter->setObjectName(QStringLiteral("traceSplitter"));
    m_tree->setObjectName(QStringLiteral("spanTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->setFrameShape(QFrame::NoFrame);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(SpanTreeModel::NameColumn, QHeaderView::Interactive);
    m_tree->setColumnWidth(SpanTreeModel::NameColumn, 280);
    m_splitter->addWidget(m_tree);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_header);
    layout->addWidget(m_splitter, 1);

    m_liveTimer->setSingleShot(true);
    m_liveTimer->setInterval(50);
    connect(m_liveTimer, &QTimer::timeout, this, &TraceView::fetchLiveChanges);
    connect(m_store, &TraceStore::committed, this, &TraceView::onCommitted);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &TraceView::showCurrent);
    openTrace(0);
}

void TraceView::updateHeader(const TraceRow &r)
{
    const QString name = (r.name.isEmpty() ? r.id : r.name).toHtmlEscaped();
    QStringList facts;
    facts << formatTimestamp(r.timestampNs);
    if (r.latencyNs >= 0)
        facts << formatDuration(r.latencyNs);
    facts << tr("%n observation(s)", nullptr, r.observationCount);
    if (r.totalTokens > 0)
        facts << tr("%1 tokens").arg(QLocale().toString(r.totalTokens));
    if (r.cost > 0)
        facts << formatCost(r.cost);
    if (r.errorCount > 0)
        facts << tr("%n error(s)", nullptr, r.errorCount);
    m_header->setText(QStringLiteral("<b>%1</b> &nbsp; <span style='color:palette(mid)'>%2</span>")
                          .arg(name, facts.join(QStringLiteral(" · ")).toHtmlEscaped()));
}

void TraceView::openTrace(qint64 traceRk)
{
    const quint64 generation = ++m_generation;
    m_traceRk = traceRk;
    m_seenSeq = 0;
    m_liveTimer->stop();
    if (traceRk == 0) {
        m_model->clear();
        m_header->setText(tr("No trace selected"));
        m_detail->showMessage(tr("Select a trace to see its observations."));
        return;
    }
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    runInBackground(
        this,
        [pool, traceRk] {
            LoadedTrace loaded;
            auto reader = pool->lease();
            if (!reader)
                return loaded;
            loaded.row = reader->trace(traceRk);
            const std::vector<ObservationRow> rows = reader->observations(traceRk);
            for (const ObservationRow &r : rows)
                loaded.maxSeq = std::max(loaded.maxSeq, r.writeSeq);
            loaded.observations = static_cast<int>(rows.size());
            loaded.tree = SpanTree::build(rows);
            return loaded;
        },
        [this, generation, traceRk](LoadedTrace loaded) {
            if (generation != m_generation)
                return;
            if (!loaded.row) {
                m_model->clear();
                m_header->setText(tr("This trace is no longer in the store."));
                return;
            }
            m_seenSeq = std::max(loaded.maxSeq, loaded.row->writeSeq);
            updateHeader(*loaded.row);
            const int nodes = loaded.tree.size();
            m_model->setTree(std::move(loaded.tree));
            if (nodes <= kExpandAllLimit)
                m_tree->expandAll();
            else
                m_tree->expandToDepth(kInitialDepth - 1);
            m_tree->resizeColumnToContents(SpanTreeModel::TypeColumn);
            const QModelIndex first = m_model->index(0, 0);
            if (first.isValid())
                m_tree->setCurrentIndex(first);
            else
                showCurrent();
            Q_EMIT traceLoaded(traceRk, loaded.observations);
        });
}

void TraceView::onCommitted(const StoreChange &change)
{
    if (m_traceRk != 0 && change.touchesTrace(m_traceRk) && !m_liveTimer->isActive())
        m_liveTimer->start();
}

void TraceView::fetchLiveChanges()
{
    if (m_liveFetchRunning) {
        m_liveTimer->start();
        return;
    }
    m_liveFetchRunning = true;
    const quint64 generation = m_generation;
    const qint64 traceRk = m_traceRk;
    const qint64 since = m_seenSeq;
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    runInBackground(
        this,
        [pool, traceRk, since] {
            LiveChanges changes;
            auto reader = pool->lease();
            if (!reader)
                return changes;
            changes.row = reader->trace(traceRk);
            changes.rows = reader->observations(traceRk, since);
            return changes;
        },
        [this, generation](LiveChanges changes) {
            m_liveFetchRunning = false;
            if (generation != m_generation)
                return;
            if (changes.row) {
                updateHeader(*changes.row);
                m_seenSeq = std::max(m_seenSeq, changes.row->writeSeq);
            }
            for (const ObservationRow &r : changes.rows)
                m_seenSeq = std::max(m_seenSeq, r.writeSeq);
            if (!changes.rows.empty())
                m_model->applyUpdate(changes.rows);
        });
}

void TraceView::showCurrent()
{
    const quint64 generation = ++m_detailGeneration;
    const QModelIndex current = m_tree->currentIndex();
    const qint64 observationRk = current.isValid() ? current.data(RowKeyRole).toLongLong() : 0;
    const qint64 traceRk = m_traceRk;
    if (traceRk == 0)
        return;
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    struct Detail
    {
        std::optional<ObservationDetail> observation;
        std::optional<TraceDetail> trace;
        std::vector<ScoreRow> scores;
    };
    runInBackground(
        this,
        [pool, observationRk, traceRk] {
            Detail d;
            auto reader = pool->lease();
            if (!reader)
                return d;
            if (observationRk > 0)
                d.observation = reader->observationDetail(observationRk);
            else
                d.trace = reader->traceDetail(traceRk);
            const auto trace = reader->trace(traceRk);
            if (trace) {
                for (ScoreRow &s : reader->scoresForTrace(trace->sourceId, trace->id)) {
                    const bool forThis = d.observation ? s.observationId == d.observation->row.id
                                                       : s.observationId.isEmpty();
                    if (forThis)
                        d.scores.push_back(std::move(s));
                }
            }
            return d;
        },
        [this, generation](Detail d) {
            if (generation != m_detailGeneration)
                return;
            if (d.observation)
                m_detail->showObservation(*d.observation, d.scores);
            else if (d.trace)
                m_detail->showTrace(*d.trace, d.scores);
        });
}

} // namespace tg
