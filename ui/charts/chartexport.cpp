#include "chartexport.h"

#include "metricschartview.h"

#include <QChart>
#include <QFileInfo>
#include <QGraphicsScene>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

namespace tg {

bool ChartExport::save(MetricsChartView *view, Format format, const QString &path, QString *error)
{
    switch (format) {
    case Format::Png:
        return savePng(view, path, error);
    case Format::Svg:
        return saveSvg(view, path, error);
    case Format::Csv:
        return saveCsv(view->metrics(), path, error);
    }
    return false;
}

ChartExport::Format ChartExport::formatForPath(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("svg"))
        return Format::Svg;
    if (suffix == QLatin1String("csv"))
        return Format::Csv;
    return Format::Png;
}

bool ChartExport::savePng(MetricsChartView *view, const QString &path, QString *error)
{
    const QSize size = view->size().isEmpty() ? QSize(1200, 600) : view->size();
    const QImage image = view->renderImage(size);
    if (image.isNull() || !image.save(path, "PNG")) {
        if (error)
            *error = QStringLiteral("cannot write %1").arg(path);
        return false;
    }
    return true;
}

bool ChartExport::saveSvg(MetricsChartView *view, const QString &path, QString *error)
{
    const QSize size = view->size().isEmpty() ? QSize(1200, 600) : view->size();
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(QStringLiteral("Traceglass chart"));
    QChart *chart = view->chart();
    const QSizeF before = chart->size();
    chart->resize(size);
    QPainter painter;
    if (!painter.begin(&generator)) {
        chart->resize(before);
        if (error)
            *error = QStringLiteral("cannot write %1").arg(path);
        return false;
    }
    view->scene()->render(&painter, QRectF(QPointF(0, 0), QSizeF(size)), chart->geometry());
    painter.end();
    chart->resize(before);
    if (!QFileInfo(path).exists() || QFileInfo(path).size() == 0) {
        if (error)
            *error = QStringLiteral("cannot write %1").arg(path);
        return false;
    }
    return true;
}

bool ChartExport::saveCsv(const MetricsSeries &series, const QString &path, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(series.toCsv()) < 0 || !file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace tg
