#include "dashboardtile.h"

#include "chartexport.h"
#include "metrics/metricsdrilldown.h"
#include "metricschartview.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace tg {

namespace {

// Clicking a KPI opens its traces; a label alone does not report clicks.
class ClickableLabel : public QLabel
{
public:
    using QLabel::QLabel;
    std::function<void()> onClick;

protected:
    void mouseReleaseEvent(QMouseEvent *event) override
    {
        if (event->button() == Qt::LeftButton && onClick)
            onClick();
        QLabel::mouseReleaseEvent(event);
    }
};

double headline(const MetricsSeries &s)
{
    if (!s.error.isEmpty() || s.series.empty())
        return MetricsSeries::kNoValue;
    if (s.isAdditive()) {
        double sum = 0.0;
        for (const MetricsSeriesData &d : s.series)
            sum += d.total;
        return sum;
    }
    return s.series.front().total;
}

} // namespace

DashboardTile::DashboardTile(const DashboardTileSpec &spec, QWidget *parent)
    : QFrame(parent)
    , m_spec(spec)
    , m_title(new QLabel(spec.title))
    , m_menuButton(new QToolButton)
{
    setObjectName(QStringLiteral("dashboardTile"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, p.color(QPalette::Base));
    setPalette(p);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setObjectName(QStringLiteral("tileTitle"));
    m_menuButton->setText(QStringLiteral("⋯"));
    m_menuButton->setAutoRaise(true);
    m_menuButton->setPopupMode(QToolButton::InstantPopup);
    m_menuButton->setStyleSheet(QStringLiteral("QToolButton::menu-indicator { image: none; }"));
    m_menuButton->setToolTip(tr("Tile options"));
    auto *menu = new QMenu(m_menuButton);
    menu->addAction(tr("Move earlier"), this, [this] { Q_EMIT moveRequested(-1); });
    menu->addAction(tr("Move later"), this, [this] { Q_EMIT moveRequested(1); });
    menu->addAction(tr("Wider"), this, [this] { Q_EMIT spanRequested(1); });
    menu->addAction(tr("Narrower"), this, [this] { Q_EMIT spanRequested(-1); });
    QMenu *sourcesMenu = menu->addMenu(tr("Sources"));
    sourcesMenu->setObjectName(QStringLiteral("tileSourcesMenu"));
    connect(sourcesMenu, &QMenu::aboutToShow, this, [this, sourcesMenu] {
        sourcesMenu->clear();
        QAction *inherit = sourcesMenu->addAction(tr("The dashboard's sources"));
        inherit->setCheckable(true);
        inherit->setChecked(m_spec.sources.isEmpty());
        connect(inherit, &QAction::triggered, this, [this] { Q_EMIT sourcesRequested({}); });
        sourcesMenu->addSeparator();
        for (const Source &source : m_sourceChoices) {
            QAction *action = sourcesMenu->addAction(source.name);
            action->setCheckable(true);
            action->setChecked(m_spec.sources.contains(source.id));
            const qint64 id = source.id;
            connect(action, &QAction::triggered, this, [this, id](bool checked) {
                QList<qint64> ids = m_spec.sources;
                if (checked && !ids.contains(id))
                    ids.append(id);
                if (!checked)
                    ids.removeAll(id);
                Q_EMIT sourcesRequested(ids);
            });
        }
    });
    if (spec.kind == DashboardTileSpec::Kind::Chart) {
        menu->addAction(tr("Export…"), this, [this] {
            const QString path = QFileDialog::getSaveFileName(this, tr("Export chart"),
                QStringLiteral("traceglass-tile.png"),
                tr("PNG image (*.png);;SVG image (*.svg);;CSV data (*.csv)"));
            QString error;
            if (!path.isEmpty()
                && !ChartExport::save(m_chart, ChartExport::formatForPath(path), path, &error))
                QMessageBox::warning(this, tr("Export chart"), error);
        });
    }
    menu->addSeparator();
    menu->addAction(tr("Remove"), this, [this] { Q_EMIT removeRequested(); });
    m_menuButton->setMenu(menu);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(0, 0, 0, 0);
    header->addWidget(m_title, 1);
    header->addWidget(m_menuButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 8);
    layout->setSpacing(2);
    layout->addLayout(header);

    if (spec.kind == DashboardTileSpec::Kind::Kpi) {
        auto *value = new ClickableLabel(QStringLiteral("…"));
        value->onClick = [this] {
            if (m_current.edges.empty())
                return;
            const MetricsDrillDown d = metricsDrillDown(m_current, 0, -1);
            Q_EMIT tracesRequested(d.filter, d.description);
        };
        value->setCursor(Qt::PointingHandCursor);
        value->setToolTip(tr("Open these traces"));
        m_value = value;
        m_value->setObjectName(QStringLiteral("kpiValue"));
        QFont big = m_value->font();
        big.setPointSizeF(big.pointSizeF() * 2.2);
        big.setBold(true);
        m_value->setFont(big);
        m_delta = new QLabel;
        m_delta->setObjectName(QStringLiteral("kpiDelta"));
        m_caption = new QLabel;
        m_caption->setObjectName(QStringLiteral("kpiCaption"));
        m_caption->setStyleSheet(QStringLiteral("color: palette(mid);"));
        layout->addStretch(1);
        layout->addWidget(m_value);
        layout->addWidget(m_delta);
        layout->addWidget(m_caption);
        layout->addStretch(1);
        setMinimumHeight(130);
    } else {
        m_chart = new MetricsChartView;
        m_chart->setCompact(true);
        m_chart->setObjectName(QStringLiteral("tileChart"));
        layout->addWidget(m_chart, 1);
        connect(m_chart, &MetricsChartView::pointClicked, this, [this](int bucket, int seriesIndex) {
            const MetricsDrillDown d = metricsDrillDown(m_chart->metrics(), bucket, seriesIndex);
            Q_EMIT tracesRequested(d.filter, d.description);
        });
        setMinimumHeight(260);
    }
}

QString DashboardTile::deltaText(Measure measure, double current, double previous, int *tone)
{
    if (tone)
        *tone = 0;
    if (!MetricsSeries::hasValue(current) || !MetricsSeries::hasValue(previous))
        return tr("no data to compare");
    const double diff = current - previous;
    // More cost, latency or errors is bad; more traces or tokens is just more.
    const bool upIsBad = measure == Measure::Cost || measure == Measure::Latency
        || measure == Measure::ErrorCount || measure == Measure::ErrorRate;
    if (tone && diff != 0.0 && upIsBad)
        *tone = diff > 0 ? -1 : 1;
    const QString arrow
        = diff > 0 ? QStringLiteral("▲") : (diff < 0 ? QStringLiteral("▼") : QStringLiteral("="));
    if (measure == Measure::ErrorRate)
        return QStringLiteral("%1 %2 pp").arg(arrow, QLocale().toString(std::abs(diff) * 100.0, 'f', 1));
    if (previous == 0.0)
        return current == 0.0 ? QStringLiteral("= 0%") : tr("%1 new").arg(arrow);
    return QStringLiteral("%1 %2%").arg(arrow, QLocale().toString(std::abs(diff / previous) * 100.0, 'f', 1));
}

void DashboardTile::setKpi(
    const MetricsSeries &current, const MetricsSeries &previous, const QString &periodName)
{
    if (!m_value)
        return;
    m_current = current;
    if (!current.error.isEmpty()) {
        m_value->setText(QStringLiteral("–"));
        m_delta->setText(current.error);
        m_delta->setStyleSheet(QStringLiteral("color: #b3261e;"));
        return;
    }
    const double now = headline(current);
    const double before = headline(previous);
    m_value->setText(current.formatValue(now));
    int tone = 0;
    m_delta->setText(
        deltaText(current.query.measure, now, before, &tone) + tr(" vs previous %1").arg(periodName));
    m_delta->setStyleSheet(tone < 0 ? QStringLiteral("color: #b3261e;")
            : tone > 0              ? QStringLiteral("color: #1e7d32;")
                                    : QStringLiteral("color: palette(mid);"));
    QString caption = tr("previous: %1").arg(previous.formatValue(before));
    if (!current.notice.isEmpty())
        caption += QStringLiteral(" · ") + current.notice;
    m_caption->setText(caption);
    m_caption->setToolTip(current.notice);
}

void DashboardTile::setChart(const MetricsSeries &series)
{
    if (m_chart) {
        m_chart->setMetrics(series);
        m_chart->setToolTip(series.notice);
    }
}

void DashboardTile::setBusy(bool busy)
{
    QString title = m_spec.title;
    if (!m_spec.sources.isEmpty()) {
        QStringList names;
        for (const Source &s : m_sourceChoices) {
            if (m_spec.sources.contains(s.id))
                names << s.name;
        }
        if (!names.isEmpty())
            title += QStringLiteral(" · ") + names.join(QStringLiteral(", "));
    }
    m_title->setText(busy ? title + QStringLiteral(" …") : title);
}

void DashboardTile::setSourceChoices(const std::vector<Source> &sources)
{
    m_sourceChoices = sources;
    setBusy(false);
}

} // namespace tg
