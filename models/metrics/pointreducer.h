#pragma once

#include <QList>
#include <QPointF>

#include <span>

namespace tg {

/// Reduces a long series to what a chart of a given pixel width can show, before it reaches
/// QXYSeries::replace(). Input points must be sorted by x; NaN y values are skipped.
class PointReducer
{
public:
    /// For each of `columns` pixel columns over [xMin, xMax], keeps the lowest and the highest
    /// point (in x order): at most 2 points per column, and the drawn line covers exactly the
    /// extremes of the full series in every column. One point on each side of the window is
    /// kept so lines run to the edges.
    static QList<QPointF> minMaxPerPixel(
        std::span<const QPointF> points, double xMin, double xMax, int columns);
    /// Largest-Triangle-Three-Buckets down-sampling to `threshold` points (first and last kept);
    /// returns the input when it is already that short or threshold < 3.
    static QList<QPointF> lttb(std::span<const QPointF> points, int threshold);
};

} // namespace tg
