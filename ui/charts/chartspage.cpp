#include "chartspage.h"

#include "chartexport.h"
#include "domain/timeformat.h"
#include "metrics/metricsdrilldown.h"
#include "metrics/metricsprovider.h"
#include "metrics/throttledtrigger.h"
#include "metricschartview.h"
#include "sourcepicker.h"
#include "store/tracestore.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QSettings>
#include <QTimeZone>
#include <QToolButton>
#include <QVBoxLayout>

#include <array>

namespace tg {

namespace {

struct MeasureChoice
{
    const char *title;
    Measure measure;
    LatencyScope scope;
};

constexpr std::array<MeasureChoice, 8> kMeasures { {
    { QT_TRANSLATE_NOOP("ChartsPage", "Cost"), Measure::Cost, LatencyScope::Traces },
    { QT_TRANSLATE_NOOP("ChartsPage", "Tokens"), Measure::Tokens, LatencyScope::Traces },
    { QT_TRANSLATE_NOOP("ChartsPage", "Latency: traces"), Measure::Latency, LatencyScope::Traces },
    { QT_TRANSLATE_NOOP("ChartsPage", "Latency: generations"), Measure::Latency, LatencyScope::Generations },
    { QT_TRANSLATE_NOOP("ChartsPage", "Latency: all observations"), Measure::Latency,
        LatencyScope::Observations },
    { QT_TRANSLATE_NOOP("ChartsPage", "Trace count"), Measure::TraceCount, LatencyScope::Traces },
    { QT_TRANSLATE_NOOP("ChartsPage", "Traces with errors"), Measure::ErrorCount, LatencyScope::Traces },
    { QT_TRANSLATE_NOOP("ChartsPage", "Error rate"), Measure::ErrorRate, LatencyScope::Traces },
} };

constexpr std::array<RangePreset, 8> kPresets { RangePreset::Last15Minutes, RangePreset::LastHour,
    RangePreset::Last6Hours, RangePreset::Last24Hours, RangePreset::Last7Days, RangePreset::Last30Days,
    RangePreset::Last90Days, RangePreset::Custom };
constexpr std::array<Granularity, 5> kGranularities { Granularity::Auto, Granularity::Minute,
    Granularity::Hour, Granularity::Day, Granularity::Week };
constexpr std::array<Dimension, 7> kDimensions { Dimension::None, Dimension::Source, Dimension::Model,
    Dimension::TraceName, Dimension::User, Dimension::Environment, Dimension::Tag };
constexpr std::array<TokenKind, 6> kTokenKinds { TokenKind::All, TokenKind::Input, TokenKind::Output,
    TokenKind::Cached, TokenKind::Reasoning, TokenKind::Total };
constexpr std::array<Percentile, 5> kPercentiles { Percentile::All, Percentile::P50, Percentile::P90,
    Percentile::P95, Percentile::P99 };

QString originText(const MetricsSeries &r)
{
    switch (r.origin) {
    case MetricsOrigin::Local:
        return ChartsPage::tr("Local store");
    case MetricsOrigin::Remote:
        return ChartsPage::tr("Langfuse metrics API");
    case MetricsOrigin::RemoteCache:
        return ChartsPage::tr("Cached Langfuse metrics-API answer");
    case MetricsOrigin::LocalFallback:
        return ChartsPage::tr("Local copy (metrics API unavailable)");
    case MetricsOrigin::Mixed:
        return ChartsPage::tr("Local store and Langfuse metrics API");
    }
    return {};
}

QComboBox *combo(const QString &objectName, const QString &toolTip)
{
    auto *box = new QComboBox;
    box->setObjectName(objectName);
    box->setToolTip(toolTip);
    box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    return box;
}

} // namespace

ChartsPage::ChartsPage(TraceStore *store, MetricsProvider *provider, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_provider(provider)
    , m_sources(new SourcePicker(store))
    , m_range(combo(QStringLiteral("rangeCombo"), tr("Time range")))
    , m_from(new QDateTimeEdit)
    , m_to(new QDateTimeEdit)
    , m_granularity(combo(QStringLiteral("granularityCombo"), tr("Bucket width")))
    , m_zone(combo(QStringLiteral("zoneCombo"), tr("Day and week buckets start at midnight in this zone")))
    , m_measure(combo(QStringLiteral("measureCombo"), tr("What to chart")))
    , m_variant(combo(QStringLiteral("variantCombo"), QString()))
    , m_groupBy(combo(QStringLiteral("groupByCombo"), tr("Split into series by")))
    , m_style(combo(QStringLiteral("styleCombo"), tr("Chart style")))
    , m_export(new QToolButton)
    , m_refresh(new QToolButton)
    , m_chart(new MetricsChartView)
    , m_notice(new QLabel)
    , m_live(new ThrottledTrigger(100, this))
{
    setObjectName(QStringLiteral("chartsPage"));
    buildControls();

    connect(m_sources, &SourcePicker::selectionChanged, this, &ChartsPage::scheduleRefresh);
    for (QComboBox *box : { m_granularity, m_zone, m_groupBy })
        connect(box, &QComboBox::currentIndexChanged, this, &ChartsPage::scheduleRefresh);
    connect(m_measure, &QComboBox::currentIndexChanged, this, [this] {
        updateVariantControl();
        scheduleRefresh();
    });
    connect(m_variant, &QComboBox::currentIndexChanged, this, &ChartsPage::scheduleRefresh);
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        updateRangeControls();
        scheduleRefresh();
    });
    connect(m_from, &QDateTimeEdit::editingFinished, this, &ChartsPage::scheduleRefresh);
    connect(m_to, &QDateTimeEdit::editingFinished, this, &ChartsPage::scheduleRefresh);
    connect(m_style, &QComboBox::currentIndexChanged, this, [this] {
        m_chart->setStyle(static_cast<MetricsChartView::Style>(m_style->currentData().toInt()));
        Q_EMIT controlsChanged();
    });
    connect(m_refresh, &QToolButton::clicked, this, [this] { refresh(); });
    connect(m_chart, &MetricsChartView::pointClicked, this, [this](int bucket, int seriesIndex) {
        const MetricsDrillDown d = metricsDrillDown(m_chart->metrics(), bucket, seriesIndex);
        QString description = d.description;
        if (!d.exact)
            description += tr(" (this group cannot be filtered exactly; showing the time window)");
        Q_EMIT tracesRequested(d.filter, description);
    });
    connect(m_provider, &MetricsProvider::budgetChanged, this, [this] {
        if (!m_chart->metrics().edges.empty())
            showResult(m_chart->metrics(), -1);
    });

    // Live: commits for the shown sources redraw a relative range, at most ten times a second.
    connect(m_store, &TraceStore::committed, this, [this](const StoreChange &change) {
        if (m_range->currentData().toInt() == static_cast<int>(RangePreset::Custom))
            return;
        const QList<qint64> selected = m_sources->selection();
        bool relevant = selected.isEmpty();
        for (const qint64 id : change.sourceIds)
            relevant = relevant || selected.contains(id);
        if (relevant)
            m_live->request();
    });
    connect(m_live, &ThrottledTrigger::triggered, this, [this] {
        if (isVisible())
            refresh(true);
        else
            m_dirty = true;
    });
}

void ChartsPage::buildControls()
{
    m_sources->setObjectName(QStringLiteral("chartSources"));
    m_sources->setToolTip(tr("Sources (projects) to chart"));
    for (const RangePreset preset : kPresets)
        m_range->addItem(rangePresetTitle(preset), static_cast<int>(preset));
    m_range->setCurrentIndex(4); // last 7 days
    const QDateTime now = QDateTime::currentDateTime();
    for (QDateTimeEdit *edit : { m_from, m_to }) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    }
    m_from->setObjectName(QStringLiteral("fromEdit"));
    m_to->setObjectName(QStringLiteral("toEdit"));
    m_from->setDateTime(now.addDays(-7));
    m_to->setDateTime(now);
    for (const Granularity g : kGranularities) {
        QString title = granularityName(g);
        title[0] = title[0].toUpper();
        m_granularity->addItem(title, static_cast<int>(g));
    }
    m_zone->addItem(tr("Local time"), QString());
    m_zone->addItem(tr("UTC"), QStringLiteral("UTC"));
    m_zone->insertSeparator(m_zone->count());
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds()) {
        if (id != "UTC")
            m_zone->addItem(QString::fromLatin1(id), QString::fromLatin1(id));
    }
    m_zone->setMaxVisibleItems(20);
    for (size_t i = 0; i < kMeasures.size(); ++i)
        m_measure->addItem(tr(kMeasures[i].title), static_cast<int>(i));
    for (const Dimension d : kDimensions)
        m_groupBy->addItem(
            d == Dimension::None ? tr("No grouping") : tr("By %1").arg(dimensionTitle(d).toLower()),
            static_cast<int>(d));
    m_groupBy->setCurrentIndex(2); // by model
    m_style->addItem(tr("Auto"), static_cast<int>(MetricsChartView::Style::Auto));
    m_style->addItem(tr("Lines"), static_cast<int>(MetricsChartView::Style::Lines));
    m_style->addItem(tr("Stacked area"), static_cast<int>(MetricsChartView::Style::StackedArea));
    m_style->addItem(tr("Bars"), static_cast<int>(MetricsChartView::Style::Bars));
    m_style->addItem(tr("Stacked bars"), static_cast<int>(MetricsChartView::Style::StackedBars));
    updateVariantControl();
    updateRangeControls();

    m_export->setText(tr("Export"));
    m_export->setObjectName(QStringLiteral("exportButton"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    auto *exportMenu = new QMenu(m_export);
    exportMenu->addAction(tr("Chart as PNG…"), this, [this] { chooseExport(QStringLiteral("png")); });
    exportMenu->addAction(tr("Chart as SVG…"), this, [this] { chooseExport(QStringLiteral("svg")); });
    exportMenu->addAction(tr("Series as CSV…"), this, [this] { chooseExport(QStringLiteral("csv")); });
    m_export->setMenu(exportMenu);
    m_refresh->setText(tr("Refresh"));
    m_refresh->setObjectName(QStringLiteral("refreshButton"));

    m_chart->setObjectName(QStringLiteral("metricsChart"));
    m_notice->setObjectName(QStringLiteral("chartNotice"));
    m_notice->setWordWrap(true);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notice->setContentsMargins(8, 2, 8, 6);

    // Two rows (what is measured; where and when) so the page fits beside the sidebar on a
    // laptop screen.
    auto *what = new QHBoxLayout;
    what->setContentsMargins(8, 8, 8, 0);
    what->setSpacing(6);
    what->addWidget(m_measure);
    what->addWidget(m_variant);
    what->addWidget(m_groupBy);
    what->addWidget(m_style);
    what->addStretch(1);
    what->addWidget(m_refresh);
    what->addWidget(m_export);
    auto *when = new QHBoxLayout;
    when->setContentsMargins(8, 0, 8, 0);
    when->setSpacing(6);
    when->addWidget(m_sources);
    when->addWidget(m_range);
    when->addWidget(m_from);
    when->addWidget(m_to);
    when->addWidget(m_granularity);
    when->addWidget(m_zone);
    when->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(what);
    layout->addLayout(when);
    layout->addWidget(m_chart, 1);
    layout->addWidget(m_notice);
}

void ChartsPage::updateVariantControl()
{
    const MeasureChoice &choice = kMeasures[static_cast<size_t>(m_measure->currentData().toInt())];
    const QSignalBlocker blocker(m_variant);
    const QString previous = m_variant->currentText();
    m_variant->clear();
    if (choice.measure == Measure::Tokens) {
        for (const TokenKind kind : kTokenKinds)
            m_variant->addItem(
                kind == TokenKind::All ? tr("Input, output, cached, reasoning") : tokenKindTitle(kind),
                static_cast<int>(kind));
        m_variant->setToolTip(tr("Token kind (with a group-by, All means total)"));
    } else if (choice.measure == Measure::Latency) {
        for (const Percentile p : kPercentiles)
            m_variant->addItem(
                p == Percentile::All ? tr("p50, p90, p95, p99") : percentileName(p), static_cast<int>(p));
        m_variant->setToolTip(tr("Percentile (with a group-by, all means p95)"));
    }
    const int again = m_variant->findText(previous);
    if (again >= 0)
        m_variant->setCurrentIndex(again);
    m_variant->setVisible(m_variant->count() > 0);
}

void ChartsPage::updateRangeControls()
{
    const bool custom = m_range->currentData().toInt() == static_cast<int>(RangePreset::Custom);
    m_from->setVisible(custom);
    m_to->setVisible(custom);
}

MetricsQuery ChartsPage::query(qint64 nowNsValue) const
{
    MetricsQuery q;
    q.sourceIds = m_sources->selection();
    const auto preset = static_cast<RangePreset>(m_range->currentData().toInt());
    if (preset == RangePreset::Custom) {
        q.fromNs = m_from->dateTime().toMSecsSinceEpoch() * 1'000'000LL;
        q.toNs = m_to->dateTime().toMSecsSinceEpoch() * 1'000'000LL;
    } else {
        applyRangePreset(q, preset, nowNsValue);
    }
    q.granularity = static_cast<Granularity>(m_granularity->currentData().toInt());
    q.timeZone = m_zone->currentData().toString().toLatin1();
    const MeasureChoice &choice = kMeasures[static_cast<size_t>(m_measure->currentData().toInt())];
    q.measure = choice.measure;
    q.latencyScope = choice.scope;
    if (choice.measure == Measure::Tokens)
        q.tokenKind = static_cast<TokenKind>(m_variant->currentData().toInt());
    if (choice.measure == Measure::Latency)
        q.percentile = static_cast<Percentile>(m_variant->currentData().toInt());
    q.groupBy = static_cast<Dimension>(m_groupBy->currentData().toInt());
    q.topN = 8;
    return q;
}

void ChartsPage::setQuery(const MetricsQuery &q, std::optional<RangePreset> preset)
{
    const QSignalBlocker b1(m_range), b2(m_granularity), b3(m_zone), b4(m_measure), b5(m_variant),
        b6(m_groupBy);
    m_sources->blockSignals(true);
    m_sources->setSelection(q.sourceIds);
    m_sources->blockSignals(false);
    m_range->setCurrentIndex(m_range->findData(static_cast<int>(preset.value_or(RangePreset::Custom))));
    m_from->setDateTime(QDateTime::fromMSecsSinceEpoch(q.fromNs / 1'000'000));
    m_to->setDateTime(QDateTime::fromMSecsSinceEpoch(q.toNs / 1'000'000));
    m_granularity->setCurrentIndex(std::max(0, m_granularity->findData(static_cast<int>(q.granularity))));
    m_zone->setCurrentIndex(std::max(0, m_zone->findData(QString::fromLatin1(q.timeZone))));
    for (size_t i = 0; i < kMeasures.size(); ++i) {
        if (kMeasures[i].measure == q.measure
            && (q.measure != Measure::Latency || kMeasures[i].scope == q.latencyScope))
            m_measure->setCurrentIndex(static_cast<int>(i));
    }
    updateVariantControl();
    if (q.measure == Measure::Tokens)
        m_variant->setCurrentIndex(std::max(0, m_variant->findData(static_cast<int>(q.tokenKind))));
    if (q.measure == Measure::Latency)
        m_variant->setCurrentIndex(std::max(0, m_variant->findData(static_cast<int>(q.percentile))));
    m_groupBy->setCurrentIndex(std::max(0, m_groupBy->findData(static_cast<int>(q.groupBy))));
    updateRangeControls();
    scheduleRefresh();
}

void ChartsPage::scheduleRefresh()
{
    Q_EMIT controlsChanged();
    if (isVisible())
        refresh();
    else
        m_dirty = true;
}

void ChartsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        refresh();
}

void ChartsPage::refresh(bool live)
{
    if (m_inFlight) {
        m_again = true; // one more pass when this one is done
        m_stale = m_stale || !live;
        return;
    }
    m_inFlight = true;
    m_dirty = false;
    if (m_chart->metrics().edges.empty())
        m_chart->setMessage(tr("Computing…"));
    QElapsedTimer timer;
    timer.start();
    QPointer<ChartsPage> self(this);
    m_provider->request(query(nowNs()), [self, timer](const MetricsSeries &result) {
        ChartsPage *page = self.data();
        if (!page)
            return;
        page->m_inFlight = false;
        const bool stale = page->m_stale;
        const bool again = page->m_again;
        page->m_stale = page->m_again = false;
        // Controls changed meanwhile: this answer is for the old ones, so only ask again.
        // New data alone still shows this answer, so a steady stream cannot starve the chart.
        if (!stale)
            page->showResult(result, timer.elapsed());
        if (again)
            page->refresh(!stale);
    });
}

void ChartsPage::showResult(const MetricsSeries &result, qint64 elapsedMs)
{
    if (elapsedMs >= 0) {
        m_chart->setMetrics(result);
        ++m_completed;
    }
    QStringList parts;
    if (!result.error.isEmpty()) {
        parts << QStringLiteral("<span style='color:#b3261e'>%1</span>").arg(result.error.toHtmlEscaped());
    } else {
        QString line = originText(result);
        const Granularity g = result.query.granularity;
        if (g != Granularity::Auto && g != Granularity::Total)
            line += tr(" · %1 buckets").arg(granularityName(g));
        if (elapsedMs >= 0)
            line += tr(" · %1 ms").arg(elapsedMs);
        parts << line.toHtmlEscaped();
        if (!result.notice.isEmpty())
            parts
                << QStringLiteral("<span style='color:#8a5a00'>%1</span>").arg(result.notice.toHtmlEscaped());
    }
    for (const QString &budget : m_provider->budgetSummary(m_sources->selection()))
        parts << budget.toHtmlEscaped();
    m_notice->setText(parts.join(QStringLiteral("<br/>")));
    Q_EMIT updated();
}

bool ChartsPage::exportTo(const QString &path, QString *error)
{
    return ChartExport::save(m_chart, ChartExport::formatForPath(path), path, error);
}

void ChartsPage::chooseExport(const QString &suffix)
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export chart"),
        QStringLiteral("traceglass-chart.") + suffix, tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(path, &error))
        QMessageBox::warning(this, tr("Export chart"), error);
}

void ChartsPage::saveState(const QString &group) const
{
    QSettings settings;
    settings.beginGroup(group);
    QVariantList sources;
    for (const qint64 id : m_sources->selection())
        sources << id;
    settings.setValue(QStringLiteral("sources"), sources);
    settings.setValue(
        QStringLiteral("range"), rangePresetName(static_cast<RangePreset>(m_range->currentData().toInt())));
    settings.setValue(QStringLiteral("from"), m_from->dateTime());
    settings.setValue(QStringLiteral("to"), m_to->dateTime());
    settings.setValue(QStringLiteral("query"), query(nowNs()).toJson().toVariantMap());
    settings.setValue(QStringLiteral("style"), m_style->currentIndex());
    settings.endGroup();
}

void ChartsPage::restoreState(const QString &group)
{
    QSettings settings;
    settings.beginGroup(group);
    const auto q = MetricsQuery::fromJson(
        QJsonObject::fromVariantMap(settings.value(QStringLiteral("query")).toMap()));
    const auto preset = rangePresetFromName(settings.value(QStringLiteral("range")).toString());
    if (q)
        setQuery(*q, preset.value_or(RangePreset::Last7Days));
    if (preset == RangePreset::Custom) {
        m_from->setDateTime(settings.value(QStringLiteral("from")).toDateTime());
        m_to->setDateTime(settings.value(QStringLiteral("to")).toDateTime());
    }
    m_style->setCurrentIndex(
        std::clamp(settings.value(QStringLiteral("style"), 0).toInt(), 0, m_style->count() - 1));
    settings.endGroup();
}

} // namespace tg
