#include "dashboard.h"

#include "dashboardtile.h"
#include "domain/timeformat.h"
#include "metrics/metricsprovider.h"
#include "sourcepicker.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QMenu>
#include <QPointer>
#include <QScrollArea>
#include <QSettings>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <array>
#include <memory>

namespace tg {

namespace {

constexpr std::array<RangePreset, 5> kRanges { RangePreset::LastHour, RangePreset::Last24Hours,
    RangePreset::Last7Days, RangePreset::Last30Days, RangePreset::Last90Days };
constexpr std::array<int, 5> kIntervals { 0, 30, 60, 300, 900 };

QString periodName(RangePreset preset)
{
    switch (preset) {
    case RangePreset::Last15Minutes:
        return Dashboard::tr("15 minutes");
    case RangePreset::LastHour:
        return Dashboard::tr("hour");
    case RangePreset::Last6Hours:
        return Dashboard::tr("6 hours");
    case RangePreset::Last24Hours:
        return Dashboard::tr("24 hours");
    case RangePreset::Last7Days:
        return Dashboard::tr("7 days");
    case RangePreset::Last30Days:
        return Dashboard::tr("30 days");
    case RangePreset::Last90Days:
        return Dashboard::tr("90 days");
    case RangePreset::Custom:
        break;
    }
    return Dashboard::tr("period");
}

} // namespace

Dashboard::Dashboard(TraceStore *store, MetricsProvider *provider, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_provider(provider)
    , m_sources(new SourcePicker(store))
    , m_range(new QComboBox)
    , m_interval(new QComboBox)
    , m_add(new QToolButton)
    , m_refreshButton(new QToolButton)
    , m_status(new QLabel)
    , m_canvas(new QWidget)
    , m_grid(new QGridLayout(m_canvas))
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("dashboard"));
    m_sources->setObjectName(QStringLiteral("dashboardSources"));
    m_range->setObjectName(QStringLiteral("dashboardRange"));
    for (const RangePreset preset : kRanges)
        m_range->addItem(rangePresetTitle(preset), static_cast<int>(preset));
    m_range->setCurrentIndex(2);
    m_interval->setObjectName(QStringLiteral("dashboardInterval"));
    m_interval->setToolTip(tr("Auto-refresh"));
    for (const int seconds : kIntervals)
        m_interval->addItem(seconds == 0 ? tr("Auto-refresh off")
                : seconds < 60           ? tr("Every %1 s").arg(seconds)
                                         : tr("Every %1 min").arg(seconds / 60),
            seconds);
    m_add->setText(tr("Add tile"));
    m_add->setObjectName(QStringLiteral("addTileButton"));
    m_add->setPopupMode(QToolButton::InstantPopup);
    auto *addMenu = new QMenu(m_add);
    for (const DashboardTileSpec &spec : DashboardTileSpec::catalogue()) {
        addMenu->addAction(
            (spec.kind == DashboardTileSpec::Kind::Kpi ? tr("Number: %1") : tr("Chart: %1")).arg(spec.title),
            this, [this, spec] { addTile(spec); });
    }
    addMenu->addSeparator();
    addMenu->addAction(tr("Reset to the default tiles"), this, &Dashboard::resetLayout);
    m_add->setMenu(addMenu);
    m_refreshButton->setText(tr("Refresh"));
    m_status->setObjectName(QStringLiteral("dashboardStatus"));
    m_status->setStyleSheet(QStringLiteral("color: palette(mid);"));

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(8, 8, 8, 4);
    bar->setSpacing(6);
    bar->addWidget(m_sources);
    bar->addWidget(m_range);
    bar->addWidget(m_interval);
    bar->addWidget(m_status, 1);
    bar->addWidget(m_refreshButton);
    bar->addWidget(m_add);

    m_grid->setContentsMargins(8, 4, 8, 8);
    m_grid->setSpacing(8);
    for (int c = 0; c < kColumns; ++c)
        m_grid->setColumnStretch(c, 1);
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_canvas);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(scroll, 1);

    connect(m_sources, &SourcePicker::selectionChanged, this, [this] {
        layoutChanged();
        refresh();
    });
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        layoutChanged();
        refresh();
    });
    connect(m_interval, &QComboBox::currentIndexChanged, this, [this] {
        const int seconds = refreshInterval();
        if (seconds > 0)
            m_timer->start(seconds * 1000);
        else
            m_timer->stop();
        layoutChanged();
    });
    connect(m_refreshButton, &QToolButton::clicked, this, [this] { refresh(false); });
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (isVisible())
            refresh(true);
        else
            m_dirty = true;
    });
    connect(m_provider, &MetricsProvider::budgetChanged, this, &Dashboard::updateStatus);
    connect(m_sources, &SourcePicker::sourcesLoaded, this, [this] {
        for (DashboardTile *tile : std::as_const(m_tiles))
            tile->setSourceChoices(m_sources->sources());
    });

    m_specs = DashboardTileSpec::defaults();
    rebuildGrid();
}

RangePreset Dashboard::range() const
{
    return static_cast<RangePreset>(m_range->currentData().toInt());
}

void Dashboard::setRange(RangePreset range)
{
    const int index = m_range->findData(static_cast<int>(range));
    if (index >= 0)
        m_range->setCurrentIndex(index);
}

int Dashboard::refreshInterval() const
{
    return m_interval->currentData().toInt();
}

void Dashboard::setRefreshInterval(int seconds)
{
    int best = 0;
    for (int i = 0; i < m_interval->count(); ++i) {
        if (m_interval->itemData(i).toInt() == seconds)
            best = i;
    }
    m_interval->setCurrentIndex(best);
}

void Dashboard::setTiles(std::vector<DashboardTileSpec> tiles)
{
    m_specs = std::move(tiles);
    rebuildGrid();
    layoutChanged();
    refresh();
}

void Dashboard::addTile(const DashboardTileSpec &tile)
{
    m_specs.push_back(tile);
    rebuildGrid();
    layoutChanged();
    refresh();
}

void Dashboard::removeTile(int index)
{
    if (index < 0 || static_cast<size_t>(index) >= m_specs.size())
        return;
    m_specs.erase(m_specs.begin() + index);
    rebuildGrid();
    layoutChanged();
    refresh();
}

void Dashboard::moveTile(int index, int by)
{
    const int target = index + by;
    if (index < 0 || target < 0 || static_cast<size_t>(index) >= m_specs.size()
        || static_cast<size_t>(target) >= m_specs.size())
        return;
    std::swap(m_specs[static_cast<size_t>(index)], m_specs[static_cast<size_t>(target)]);
    rebuildGrid();
    layoutChanged();
    refresh();
}

void Dashboard::resizeTile(int index, int by)
{
    if (index < 0 || static_cast<size_t>(index) >= m_specs.size())
        return;
    DashboardTileSpec &spec = m_specs[static_cast<size_t>(index)];
    spec.columnSpan = std::clamp(spec.columnSpan + by, 1, kColumns);
    rebuildGrid();
    layoutChanged();
    refresh();
}

void Dashboard::setTileSources(int index, const QList<qint64> &sourceIds)
{
    if (index < 0 || static_cast<size_t>(index) >= m_specs.size())
        return;
    m_specs[static_cast<size_t>(index)].sources = sourceIds;
    rebuildGrid();
    layoutChanged();
    refresh();
}

void Dashboard::resetLayout()
{
    setTiles(DashboardTileSpec::defaults());
}

void Dashboard::rebuildGrid()
{
    // Old tiles go later: the rebuild may come from inside one of their menus.
    for (DashboardTile *tile : std::as_const(m_tiles)) {
        m_grid->removeWidget(tile);
        tile->hide();
        tile->deleteLater();
    }
    m_tiles.clear();
    int row = 0;
    int column = 0;
    for (size_t i = 0; i < m_specs.size(); ++i) {
        const DashboardTileSpec &spec = m_specs[i];
        const int span = std::clamp(spec.columnSpan, 1, kColumns);
        if (column + span > kColumns) {
            ++row;
            column = 0;
        }
        auto *tile = new DashboardTile(spec, m_canvas);
        const int index = static_cast<int>(i);
        // Queued: each of these rebuilds the grid, which must not happen inside the tile's menu.
        connect(
            tile, &DashboardTile::moveRequested, this, [this, index](int by) { moveTile(index, by); },
            Qt::QueuedConnection);
        connect(
            tile, &DashboardTile::spanRequested, this, [this, index](int by) { resizeTile(index, by); },
            Qt::QueuedConnection);
        connect(
            tile, &DashboardTile::removeRequested, this, [this, index] { removeTile(index); },
            Qt::QueuedConnection);
        connect(
            tile, &DashboardTile::sourcesRequested, this,
            [this, index](const QList<qint64> &ids) { setTileSources(index, ids); }, Qt::QueuedConnection);
        connect(tile, &DashboardTile::tracesRequested, this, &Dashboard::tracesRequested);
        tile->setSourceChoices(m_sources->sources());
        m_grid->addWidget(tile, row, column, 1, span);
        m_tiles.append(tile);
        column += span;
    }
    for (int r = 0; r <= row + 1; ++r)
        m_grid->setRowStretch(r, 0);
    m_grid->setRowStretch(row + 1, 1);
}

void Dashboard::layoutChanged()
{
    if (!m_restoring)
        saveState();
}

void Dashboard::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        refresh();
}

void Dashboard::refresh(bool background)
{
    if (!isVisible() && !background) {
        m_dirty = true;
        return;
    }
    m_dirty = false;
    const quint64 generation = ++m_generation;
    const qint64 now = nowNs();
    const RangePreset preset = range();
    const QList<qint64> sources = m_sources->selection();
    m_pending = 0;
    QPointer<Dashboard> self(this);
    auto done = [self, generation] {
        Dashboard *dashboard = self.data();
        if (!dashboard || generation != dashboard->m_generation)
            return;
        if (--dashboard->m_pending == 0) {
            dashboard->updateStatus();
            Q_EMIT dashboard->refreshed();
        }
    };
    auto current = [self, generation](const QPointer<DashboardTile> &tile) -> DashboardTile * {
        const Dashboard *dashboard = self.data();
        return dashboard && generation == dashboard->m_generation ? tile.data() : nullptr;
    };
    for (qsizetype i = 0; i < m_tiles.size(); ++i) {
        QPointer<DashboardTile> tile = m_tiles[i];
        const DashboardTileSpec &spec = m_specs[static_cast<size_t>(i)];
        const MetricsQuery query = spec.resolve(preset, sources, now);
        tile->setBusy(true);
        ++m_pending;
        if (spec.kind == DashboardTileSpec::Kind::Chart) {
            m_provider->request(
                query,
                [tile, current, done](const MetricsSeries &result) {
                    if (DashboardTile *t = current(tile)) {
                        t->setChart(result);
                        t->setBusy(false);
                    }
                    done();
                },
                background);
            continue;
        }
        // A KPI needs this period and the one before; it shows when both are in.
        auto pair = std::make_shared<std::pair<std::optional<MetricsSeries>, std::optional<MetricsSeries>>>();
        const QString period = periodName(preset);
        auto show = [tile, current, pair, period, done] {
            if (!pair->first || !pair->second)
                return;
            if (DashboardTile *t = current(tile)) {
                t->setKpi(*pair->first, *pair->second, period);
                t->setBusy(false);
            }
            done();
        };
        m_provider->request(
            query,
            [pair, show](const MetricsSeries &r) {
                pair->first = r;
                show();
            },
            background);
        m_provider->request(
            DashboardTileSpec::previousPeriod(query),
            [pair, show](const MetricsSeries &r) {
                pair->second = r;
                show();
            },
            background);
    }
    if (m_pending == 0)
        Q_EMIT refreshed();
}

void Dashboard::updateStatus()
{
    QStringList parts;
    parts << tr("Updated %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")));
    parts << m_provider->budgetSummary(m_sources->selection());
    m_status->setText(parts.join(QStringLiteral(" · ")));
}

void Dashboard::saveState(const QString &group) const
{
    QSettings settings;
    settings.beginGroup(group);
    settings.setValue(QStringLiteral("tiles"),
        QString::fromUtf8(
            QJsonDocument(DashboardTileSpec::listToJson(m_specs)).toJson(QJsonDocument::Compact)));
    settings.setValue(QStringLiteral("range"), rangePresetName(range()));
    settings.setValue(QStringLiteral("refresh"), refreshInterval());
    QVariantList sources;
    for (const qint64 id : m_sources->selection())
        sources << id;
    settings.setValue(QStringLiteral("sources"), sources);
    settings.endGroup();
}

void Dashboard::restoreState(const QString &group)
{
    QSettings settings;
    settings.beginGroup(group);
    m_restoring = true;
    const QJsonDocument doc
        = QJsonDocument::fromJson(settings.value(QStringLiteral("tiles")).toString().toUtf8());
    if (doc.isArray()) {
        m_specs = DashboardTileSpec::listFromJson(doc.array());
        rebuildGrid();
    }
    if (const auto preset = rangePresetFromName(settings.value(QStringLiteral("range")).toString()))
        setRange(*preset);
    setRefreshInterval(settings.value(QStringLiteral("refresh"), 0).toInt());
    QList<qint64> sources;
    for (const QVariant &v : settings.value(QStringLiteral("sources")).toList())
        sources << v.toLongLong();
    m_sources->setSelection(sources);
    m_restoring = false;
    settings.endGroup();
    refresh();
}

} // namespace tg
