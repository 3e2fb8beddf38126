#include "metricschartview.h"

#include "metrics/pointreducer.h"

#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGraphicsLayout>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QPainter>
#include <QStackedBarSeries>
#include <QToolTip>
#include <QValueAxis>

#include <array>
#include <cmath>

namespace tg {

namespace {

constexpr std::array<QRgb, 10> kPalette { 0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948,
    0xb07aa1, 0xff9da7, 0x9c755f, 0x79706e };
constexpr QRgb kOtherColor = 0xbab0ac;
constexpr int kMaxBarBuckets = 48;
constexpr int kMaxAreaBuckets = 2000;
constexpr int kPointsVisibleBelow = 40;

QString axisFormat(Granularity g, qint64 spanNs)
{
    constexpr qint64 day = 86'400'000'000'000LL;
    switch (g) {
    case Granularity::Minute:
    case Granularity::Hour:
        return spanNs > 2 * day ? QStringLiteral("dd MMM HH:mm") : QStringLiteral("HH:mm");
    case Granularity::Day:
        return QStringLiteral("ddd dd MMM");
    case Granularity::Week:
    case Granularity::Auto:
    case Granularity::Total:
        break;
    }
    return QStringLiteral("dd MMM yyyy");
}

QString bucketLabel(const MetricsSeries &m, int bucket)
{
    const QDateTime start = QDateTime::fromMSecsSinceEpoch(m.bucketStart(bucket) / 1'000'000);
    switch (m.query.granularity) {
    case Granularity::Minute:
    case Granularity::Hour:
        return start.toString(QStringLiteral("HH:mm"));
    case Granularity::Day:
        return start.toString(QStringLiteral("ddd d"));
    default:
        return start.toString(QStringLiteral("d MMM"));
    }
}

QString samplesNoun(const MetricsSeries &m, qint64 n)
{
    if (m.origin == MetricsOrigin::Remote || m.origin == MetricsOrigin::RemoteCache)
        return {};
    const bool traces = !m.query.isObservationMeasure();
    if (traces)
        return n == 1 ? QStringLiteral("1 trace") : QStringLiteral("%1 traces").arg(QLocale().toString(n));
    return n == 1 ? QStringLiteral("1 observation")
                  : QStringLiteral("%1 observations").arg(QLocale().toString(n));
}

} // namespace

MetricsChartView::MetricsChartView(QWidget *parent)
    : QChartView(parent)
    , m_message(new QLabel(this))
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(160, 120);
    chart()->setAnimationOptions(QChart::NoAnimation);
    chart()->setBackgroundRoundness(0);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->layout()->setContentsMargins(0, 0, 0, 0);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("chartMessage"));
    m_message->setStyleSheet(QStringLiteral("color: palette(mid); font-size: 13px;"));
    m_message->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_message->setParent(viewport());
    m_message->hide();
}

void MetricsChartView::setCompact(bool compact)
{
    m_compact = compact;
    chart()->setMargins(compact ? QMargins(2, 2, 2, 2) : QMargins(8, 8, 8, 8));
    rebuild();
}

void MetricsChartView::setStyle(Style style)
{
    m_style = style;
    rebuild();
}

MetricsChartView::Style MetricsChartView::effectiveStyle() const
{
    const int n = m_metrics.bucketCount();
    if (m_style != Style::Auto) {
        if ((m_style == Style::Bars || m_style == Style::StackedBars) && n > 10 * kMaxBarBuckets)
            return Style::Lines;
        if (m_style == Style::StackedArea && n > kMaxAreaBuckets)
            return Style::Lines;
        return m_style;
    }
    const MetricsQuery &q = m_metrics.query;
    if (n == 1 && q.groupBy != Dimension::None)
        return Style::HorizontalBars;
    const bool tokenKinds = q.measure == Measure::Tokens && q.groupBy == Dimension::None
        && q.effectiveTokenKind() == TokenKind::All; // input includes cached: kinds overlap
    if (!m_metrics.isAdditive() || tokenKinds)
        return n == 1 ? Style::Bars : Style::Lines;
    if (n <= kMaxBarBuckets)
        return q.groupBy == Dimension::None ? Style::Bars : Style::StackedBars;
    return n <= kMaxAreaBuckets ? Style::StackedArea : Style::Lines;
}

void MetricsChartView::setMetrics(const MetricsSeries &metrics)
{
    m_metrics = metrics;
    rebuild();
}

void MetricsChartView::setMessage(const QString &message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

QColor MetricsChartView::colorFor(int seriesIndex) const
{
    const auto &list = m_metrics.series;
    if (seriesIndex >= 0 && static_cast<size_t>(seriesIndex) < list.size()
        && list[static_cast<size_t>(seriesIndex)].isOther)
        return QColor(kOtherColor);
    return QColor(kPalette[static_cast<size_t>(seriesIndex) % kPalette.size()]);
}

double MetricsChartView::plotValue(double v) const
{
    return MetricsSeries::hasValue(v) ? v * m_scale : v;
}

void MetricsChartView::chooseScale()
{
    // Rates are drawn in percent; latencies of ten seconds and more in seconds.
    m_scale = 1.0;
    if (m_metrics.query.measure == Measure::ErrorRate) {
        m_scale = 100.0;
    } else if (m_metrics.query.measure == Measure::Latency) {
        double top = 0.0;
        for (const MetricsSeriesData &s : m_metrics.series) {
            for (const double v : s.values) {
                if (MetricsSeries::hasValue(v))
                    top = std::max(top, v);
            }
        }
        if (top >= 10'000.0)
            m_scale = 0.001;
    }
}

int MetricsChartView::plotWidth() const
{
    const double w = chart()->plotArea().width();
    return std::max(100, static_cast<int>(w > 10 ? w : width() - 80));
}

int MetricsChartView::bucketAt(double msecs) const
{
    const auto &edges = m_metrics.edges;
    if (edges.size() < 2)
        return -1;
    const auto ns = static_cast<qint64>(msecs * 1e6);
    const auto it = std::upper_bound(edges.begin(), edges.end(), ns);
    const auto index = static_cast<int>(it - edges.begin()) - 1;
    return std::clamp(index, 0, m_metrics.bucketCount() - 1);
}

void MetricsChartView::rebuild()
{
    QChart *c = chart();
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    m_drawnPoints = 0;
    m_reduced = false;
    m_builtForWidth = plotWidth();
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - (m_compact ? 1.5 : 0.5)));
    c->legend()->setFont(small);
    if (!m_metrics.error.isEmpty()) {
        setMessage(m_metrics.error);
        return;
    }
    if (m_metrics.bucketCount() <= 0)
        return;
    setMessage(m_metrics.isEmpty() ? tr("No data in this range") : QString());
    chooseScale();
    switch (effectiveStyle()) {
    case Style::StackedArea:
        buildXY(true);
        break;
    case Style::Lines:
    case Style::Auto:
        buildXY(false);
        break;
    case Style::Bars:
        buildBars(false);
        break;
    case Style::StackedBars:
        buildBars(true);
        break;
    case Style::HorizontalBars:
        buildHorizontalBars();
        break;
    }
    const bool legend = m_metrics.series.size() > 1 && effectiveStyle() != Style::HorizontalBars;
    c->legend()->setVisible(legend);
    for (QAbstractAxis *axis : c->axes()) {
        axis->setLabelsFont(small);
        if (m_compact)
            axis->setTitleVisible(false);
    }
}

void MetricsChartView::attachXY(QAbstractSeries *series, int seriesIndex)
{
    auto *xy = qobject_cast<QXYSeries *>(series);
    auto *area = qobject_cast<QAreaSeries *>(series);
    auto hovered = [this, seriesIndex](const QPointF &point, bool state) {
        if (state)
            showTip(bucketAt(point.x()), seriesIndex);
        else
            QToolTip::hideText();
    };
    auto clicked = [this, seriesIndex](
                       const QPointF &point) { Q_EMIT pointClicked(bucketAt(point.x()), seriesIndex); };
    if (xy) {
        connect(xy, &QXYSeries::hovered, this, hovered);
        connect(xy, &QXYSeries::clicked, this, clicked);
    } else if (area) {
        connect(area, &QAreaSeries::hovered, this, hovered);
        connect(area, &QAreaSeries::clicked, this, clicked);
    }
}

void MetricsChartView::buildXY(bool stacked)
{
    QChart *c = chart();
    const int n = m_metrics.bucketCount();
    std::vector<double> xs(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        xs[static_cast<size_t>(i)]
            = static_cast<double>(m_metrics.bucketStart(i) / 2 + m_metrics.bucketEnd(i) / 2) / 1e6;
    auto *axisX = new QDateTimeAxis;
    axisX->setFormat(
        axisFormat(m_metrics.query.granularity, m_metrics.edges.back() - m_metrics.edges.front()));
    axisX->setRange(QDateTime::fromMSecsSinceEpoch(m_metrics.edges.front() / 1'000'000),
        QDateTime::fromMSecsSinceEpoch(m_metrics.edges.back() / 1'000'000));
    axisX->setTickCount(m_compact ? 4 : 7);
    axisX->setGridLineVisible(false);
    c->addAxis(axisX, Qt::AlignBottom);

    double maxValue = 0.0;
    std::vector<double> lower(static_cast<size_t>(n), 0.0);
    QList<QAbstractSeries *> created;
    const int columns = plotWidth();
    for (size_t s = 0; s < m_metrics.series.size(); ++s) {
        const MetricsSeriesData &data = m_metrics.series[s];
        const QColor color = colorFor(static_cast<int>(s));
        if (stacked) {
            auto *low = new QLineSeries;
            auto *up = new QLineSeries;
            QList<QPointF> lowPoints;
            QList<QPointF> upPoints;
            lowPoints.reserve(n);
            upPoints.reserve(n);
            for (int i = 0; i < n; ++i) {
                const auto b = static_cast<size_t>(i);
                const double v = MetricsSeries::hasValue(data.values[b]) ? plotValue(data.values[b]) : 0.0;
                lowPoints.append({ xs[b], lower[b] });
                lower[b] += v;
                upPoints.append({ xs[b], lower[b] });
                maxValue = std::max(maxValue, lower[b]);
            }
            low->replace(lowPoints);
            up->replace(upPoints);
            auto *area = new QAreaSeries(up, low);
            up->setParent(area);
            low->setParent(area);
            area->setName(data.label);
            QColor fill = color;
            fill.setAlphaF(0.78);
            area->setBrush(fill);
            area->setPen(QPen(color.darker(115), 1));
            c->addSeries(area);
            area->attachAxis(axisX);
            attachXY(area, static_cast<int>(s));
            created << area;
            m_drawnPoints += 2 * n;
            continue;
        }
        // Lines break where a bucket has no value (percentiles and rates of empty buckets).
        std::vector<QPointF> all;
        all.reserve(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i)
            all.emplace_back(xs[static_cast<size_t>(i)], plotValue(data.values[static_cast<size_t>(i)]));
        bool first = true;
        size_t i = 0;
        while (i < all.size()) {
            while (i < all.size() && std::isnan(all[i].y()))
                ++i;
            const size_t start = i;
            while (i < all.size() && !std::isnan(all[i].y()))
                ++i;
            if (i == start)
                break;
            const std::span<const QPointF> segment(all.data() + start, i - start);
            QList<QPointF> points;
            if (segment.size() > static_cast<size_t>(columns) * 2) {
                points
                    = PointReducer::minMaxPerPixel(segment, segment.front().x(), segment.back().x(), columns);
                m_reduced = true;
            } else {
                points = QList<QPointF>(segment.begin(), segment.end());
            }
            for (const QPointF &p : points)
                maxValue = std::max(maxValue, p.y());
            auto *line = new QLineSeries;
            line->setName(data.label);
            QPen pen(color, m_compact ? 1.5 : 2.0);
            line->setPen(pen);
            line->setPointsVisible(points.size() < kPointsVisibleBelow || points.size() == 1);
            line->replace(points);
            m_drawnPoints += points.size();
            c->addSeries(line);
            line->attachAxis(axisX);
            attachXY(line, static_cast<int>(s));
            created << line;
            if (!first) {
                for (QLegendMarker *marker : c->legend()->markers(line))
                    marker->setVisible(false);
            }
            first = false;
        }
    }
    auto *axisY = new QValueAxis;
    c->addAxis(axisY, Qt::AlignLeft);
    for (QAbstractSeries *series : created)
        series->attachAxis(axisY);
    addValueAxis(maxValue, Qt::AlignLeft, nullptr);
}

void MetricsChartView::addValueAxis(double maxValue, Qt::Alignment alignment, QAbstractSeries *series)
{
    QValueAxis *axisY = nullptr;
    for (QAbstractAxis *axis : chart()->axes(alignment == Qt::AlignLeft ? Qt::Vertical : Qt::Horizontal)) {
        axisY = qobject_cast<QValueAxis *>(axis);
        if (axisY)
            break;
    }
    if (!axisY) {
        axisY = new QValueAxis;
        chart()->addAxis(axisY, alignment);
        if (series)
            series->attachAxis(axisY);
    }
    const Measure measure = m_metrics.query.measure;
    double top = maxValue > 0 ? maxValue * 1.08 : 1.0;
    if (measure == Measure::ErrorRate)
        top = std::min(100.0, std::max(top, 1.0));
    axisY->setRange(0, top);
    axisY->setTickCount(m_compact ? 5 : 6);
    axisY->applyNiceNumbers();
    switch (measure) {
    case Measure::Cost:
        axisY->setLabelFormat(top < 0.1 ? QStringLiteral("$%.3f") : QStringLiteral("$%.2f"));
        break;
    case Measure::Latency:
        axisY->setLabelFormat(m_scale < 1.0
                ? (top < 100 ? QStringLiteral("%.1f s") : QStringLiteral("%.0f s"))
                : QStringLiteral("%.0f ms"));
        break;
    case Measure::ErrorRate:
        axisY->setLabelFormat(QStringLiteral("%.1f%%"));
        break;
    default:
        axisY->setLabelFormat(QStringLiteral("%.0f"));
        break;
    }
    if (!m_compact) {
        const QString unit
            = measure == Measure::Latency && m_scale < 1.0 ? QStringLiteral("s") : m_metrics.unit();
        axisY->setTitleText(measureTitle(measure) + QStringLiteral(" (") + unit + u')');
    }
}

void MetricsChartView::buildBars(bool stacked)
{
    QChart *c = chart();
    const int n = m_metrics.bucketCount();
    QAbstractBarSeries *bars = stacked ? static_cast<QAbstractBarSeries *>(new QStackedBarSeries)
                                       : static_cast<QAbstractBarSeries *>(new QBarSeries);
    bars->setBarWidth(0.8);
    std::vector<double> totals(static_cast<size_t>(n), 0.0);
    double maxValue = 0.0;
    for (size_t s = 0; s < m_metrics.series.size(); ++s) {
        const MetricsSeriesData &data = m_metrics.series[s];
        auto *set = new QBarSet(data.label);
        set->setColor(colorFor(static_cast<int>(s)));
        set->setBorderColor(colorFor(static_cast<int>(s)).darker(110));
        set->setProperty("seriesIndex", static_cast<int>(s));
        QList<qreal> values;
        values.reserve(n);
        for (int i = 0; i < n; ++i) {
            const double v = plotValue(data.values[static_cast<size_t>(i)]);
            const double drawn = MetricsSeries::hasValue(v) ? v : 0.0;
            values.append(drawn);
            totals[static_cast<size_t>(i)] += drawn;
            maxValue = std::max(maxValue, stacked ? totals[static_cast<size_t>(i)] : drawn);
        }
        set->append(values);
        m_drawnPoints += n;
        const int seriesIndex = static_cast<int>(s);
        connect(set, &QBarSet::hovered, this, [this, seriesIndex](bool state, int index) {
            if (state)
                showTip(index, seriesIndex);
            else
                QToolTip::hideText();
        });
        bars->append(set);
    }
    connect(bars, &QAbstractBarSeries::clicked, this, [this](int index, QBarSet *set) {
        Q_EMIT pointClicked(index, set->property("seriesIndex").toInt());
    });
    c->addSeries(bars);
    // Category labels must be unique: thinned-out labels become runs of zero-width spaces.
    const int every = std::max(1, n / (m_compact ? 6 : 12) + (n % (m_compact ? 6 : 12) ? 1 : 0));
    QStringList categories;
    for (int i = 0; i < n; ++i)
        categories << (i % every == 0 ? bucketLabel(m_metrics, i) : QString(i + 1, QChar(0x200B)));
    auto *axisX = new QBarCategoryAxis;
    axisX->append(categories);
    axisX->setGridLineVisible(false);
    c->addAxis(axisX, Qt::AlignBottom);
    bars->attachAxis(axisX);
    addValueAxis(maxValue, Qt::AlignLeft, bars);
}

void MetricsChartView::buildHorizontalBars()
{
    QChart *c = chart();
    auto *bars = new QHorizontalBarSeries;
    auto *set = new QBarSet(measureTitle(m_metrics.query.measure));
    set->setColor(colorFor(0));
    set->setBorderColor(colorFor(0).darker(110));
    QStringList categories;
    const auto count = static_cast<int>(m_metrics.series.size());
    double maxValue = 0.0;
    // Largest first means top of the chart: Qt draws category 0 at the bottom.
    for (int s = count - 1; s >= 0; --s) {
        const MetricsSeriesData &data = m_metrics.series[static_cast<size_t>(s)];
        const double v = plotValue(data.values.empty() ? data.total : data.values.front());
        set->append(MetricsSeries::hasValue(v) ? v : 0.0);
        maxValue = std::max(maxValue, MetricsSeries::hasValue(v) ? v : 0.0);
        QString label = data.label;
        while (categories.contains(label))
            label += QChar(0x200B);
        categories << label;
    }
    m_drawnPoints = count;
    connect(set, &QBarSet::hovered, this, [this, count](bool state, int index) {
        if (state)
            showTip(0, count - 1 - index);
        else
            QToolTip::hideText();
    });
    connect(bars, &QAbstractBarSeries::clicked, this,
        [this, count](int index, QBarSet *) { Q_EMIT pointClicked(0, count - 1 - index); });
    bars->append(set);
    bars->setBarWidth(0.7);
    c->addSeries(bars);
    auto *axisY = new QBarCategoryAxis;
    axisY->append(categories);
    axisY->setGridLineVisible(false);
    c->addAxis(axisY, Qt::AlignLeft);
    bars->attachAxis(axisY);
    addValueAxis(maxValue, Qt::AlignBottom, bars);
}

QString MetricsChartView::tooltipText(int bucket, int seriesIndex) const
{
    if (seriesIndex < 0 || static_cast<size_t>(seriesIndex) >= m_metrics.series.size() || bucket < 0
        || bucket >= m_metrics.bucketCount())
        return {};
    const MetricsSeriesData &s = m_metrics.series[static_cast<size_t>(seriesIndex)];
    const QLocale locale;
    const QDateTime start = QDateTime::fromMSecsSinceEpoch(m_metrics.bucketStart(bucket) / 1'000'000);
    const QDateTime end = QDateTime::fromMSecsSinceEpoch(m_metrics.bucketEnd(bucket) / 1'000'000);
    QStringList lines;
    lines << QStringLiteral("<b>%1</b>").arg(s.label.toHtmlEscaped());
    lines << QStringLiteral("%1 – %2").arg(
        locale.toString(start, QLocale::ShortFormat), locale.toString(end, QLocale::ShortFormat));
    const double value = s.values[static_cast<size_t>(bucket)];
    QString valueLine = m_metrics.formatValue(value);
    if (m_metrics.query.measure == Measure::Cost && MetricsSeries::hasValue(value))
        valueLine += QStringLiteral(" (%1 USD)").arg(QString::number(value, 'g', 10)); // the exact amount
    const qint64 samples
        = static_cast<size_t>(bucket) < s.samples.size() ? s.samples[static_cast<size_t>(bucket)] : 0;
    const QString noun = samplesNoun(m_metrics, samples);
    if (!noun.isEmpty())
        valueLine += QStringLiteral(" · ") + noun;
    lines << valueLine;
    if (m_metrics.isAdditive() && m_metrics.series.size() > 1)
        lines << tr("All series: %1").arg(m_metrics.formatValue(m_metrics.bucketTotal(bucket)));
    lines << QStringLiteral("<i>%1</i>").arg(tr("Click to open these traces"));
    return lines.join(QStringLiteral("<br/>"));
}

void MetricsChartView::showTip(int bucket, int seriesIndex)
{
    const QString text = tooltipText(bucket, seriesIndex);
    if (text.isEmpty())
        return;
    Q_EMIT pointHovered(bucket, seriesIndex);
    QToolTip::showText(QCursor::pos(), text, this);
}

QImage MetricsChartView::renderImage(const QSize &size)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QChart *c = chart();
    const QSizeF before = c->size();
    c->resize(size);
    if (c->layout())
        c->layout()->activate();
    if (m_reduced && std::abs(plotWidth() - m_builtForWidth) > 8)
        rebuild(); // reduce for the width actually drawn
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    scene()->render(&painter, QRectF(QPointF(0, 0), QSizeF(size)), c->geometry());
    painter.end();
    c->resize(before);
    return image;
}

void MetricsChartView::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    m_message->setGeometry(viewport()->rect().adjusted(12, 12, -12, -12));
    // A reduced series was cut to the old width: cut it again when the width changed enough.
    if (m_reduced && std::abs(plotWidth() - m_builtForWidth) > m_builtForWidth / 5)
        rebuild();
}

} // namespace tg
