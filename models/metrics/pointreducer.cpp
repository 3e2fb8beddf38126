#include "pointreducer.h"

#include <algorithm>
#include <cmath>

namespace tg {

QList<QPointF> PointReducer::minMaxPerPixel(
    std::span<const QPointF> points, double xMin, double xMax, int columns)
{
    QList<QPointF> out;
    if (points.empty() || columns <= 0 || !(xMax > xMin))
        return out;
    // The visible window plus one neighbour on each side.
    auto first = std::lower_bound(
        points.begin(), points.end(), xMin, [](const QPointF &p, double x) { return p.x() < x; });
    auto last = std::upper_bound(
        points.begin(), points.end(), xMax, [](double x, const QPointF &p) { return x < p.x(); });
    if (first != points.begin())
        --first;
    if (last != points.end())
        ++last;
    const auto count = static_cast<size_t>(last - first);
    if (count <= static_cast<size_t>(columns) * 2) {
        for (auto it = first; it != last; ++it) {
            if (!std::isnan(it->y()))
                out.append(*it);
        }
        return out;
    }
    out.reserve(static_cast<qsizetype>(columns) * 2 + 2);
    const double scale = columns / (xMax - xMin);
    auto columnOf = [&](double x) {
        return std::clamp(
            static_cast<long long>(std::floor((x - xMin) * scale)), -1LL, static_cast<long long>(columns));
    };
    auto it = first;
    while (it != last) {
        if (std::isnan(it->y())) {
            ++it;
            continue;
        }
        const long long column = columnOf(it->x());
        auto lowest = it;
        auto highest = it;
        for (++it; it != last && columnOf(it->x()) == column; ++it) {
            if (std::isnan(it->y()))
                continue;
            if (it->y() < lowest->y())
                lowest = it;
            if (it->y() > highest->y())
                highest = it;
        }
        // Emit in x order so the polyline stays monotonic in x.
        if (lowest == highest) {
            out.append(*lowest);
        } else {
            out.append(lowest < highest ? *lowest : *highest);
            out.append(lowest < highest ? *highest : *lowest);
        }
    }
    return out;
}

QList<QPointF> PointReducer::lttb(std::span<const QPointF> points, int threshold)
{
    QList<QPointF> clean;
    clean.reserve(static_cast<qsizetype>(points.size()));
    for (const QPointF &p : points) {
        if (!std::isnan(p.y()))
            clean.append(p);
    }
    const qsizetype n = clean.size();
    if (threshold < 3 || n <= threshold)
        return clean;
    QList<QPointF> out;
    out.reserve(threshold);
    out.append(clean.front());
    // Middle points fall into threshold - 2 buckets; each keeps the point that forms the largest
    // triangle with the previously kept point and the average of the next bucket.
    const double every = static_cast<double>(n - 2) / (threshold - 2);
    qsizetype a = 0;
    for (int i = 0; i < threshold - 2; ++i) {
        const auto nextStart = static_cast<qsizetype>(std::floor((i + 1) * every)) + 1;
        const auto nextEnd = std::min(static_cast<qsizetype>(std::floor((i + 2) * every)) + 1, n);
        double avgX = 0.0;
        double avgY = 0.0;
        const qsizetype nextCount = std::max<qsizetype>(nextEnd - nextStart, 1);
        for (qsizetype j = nextStart; j < nextEnd; ++j) {
            avgX += clean[j].x();
            avgY += clean[j].y();
        }
        if (nextEnd > nextStart) {
            avgX /= static_cast<double>(nextCount);
            avgY /= static_cast<double>(nextCount);
        } else {
            avgX = clean.back().x();
            avgY = clean.back().y();
        }
        const auto start = static_cast<qsizetype>(std::floor(i * every)) + 1;
        const auto end = std::min(static_cast<qsizetype>(std::floor((i + 1) * every)) + 1, n - 1);
        double best = -1.0;
        qsizetype chosen = start;
        const QPointF pa = clean[a];
        for (qsizetype j = start; j < end; ++j) {
            const double area = std::abs(
                (pa.x() - avgX) * (clean[j].y() - pa.y()) - (pa.x() - clean[j].x()) * (avgY - pa.y()));
            if (area > best) {
                best = area;
                chosen = j;
            }
        }
        out.append(clean[chosen]);
        a = chosen;
    }
    out.append(clean.back());
    return out;
}

} // namespace tg
