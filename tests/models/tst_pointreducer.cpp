// PointReducer: min/max per pixel column keeps every column's extremes and the x order; LTTB
// keeps the requested count, the ends and isolated spikes; degenerate input stays safe.
#include "metrics/pointreducer.h"

#include <QTest>

#include <cmath>

using namespace tg;

namespace {

std::vector<QPointF> wave(int n)
{
    std::vector<QPointF> points;
    points.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        points.emplace_back(i, std::sin(i * 0.01) * 100 + (i % 7));
    return points;
}

bool sortedByX(const QList<QPointF> &points)
{
    for (qsizetype i = 1; i < points.size(); ++i) {
        if (points[i].x() < points[i - 1].x())
            return false;
    }
    return true;
}

} // namespace

class TestPointReducer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void minMaxKeepsEveryColumnsExtremes()
    {
        std::vector<QPointF> points = wave(100'000);
        points[31'337].setY(5000); // spikes a naive stride would miss
        points[77'777].setY(-5000);
        const int columns = 800;
        const QList<QPointF> out = PointReducer::minMaxPerPixel(points, 0, 99'999, columns);
        QVERIFY(out.size() <= 2 * (columns + 2));
        QVERIFY(out.size() >= columns);
        QVERIFY(sortedByX(out));
        // Per column, the reduced min and max equal the full data's.
        const double scale = columns / 99'999.0;
        std::vector<double> fullMin(columns + 1, 1e300), fullMax(columns + 1, -1e300);
        std::vector<double> outMin(columns + 1, 1e300), outMax(columns + 1, -1e300);
        for (const QPointF &p : points) {
            const auto c = static_cast<size_t>(std::floor(p.x() * scale));
            fullMin[c] = std::min(fullMin[c], p.y());
            fullMax[c] = std::max(fullMax[c], p.y());
        }
        for (const QPointF &p : out) {
            const auto c = static_cast<size_t>(std::floor(p.x() * scale));
            outMin[c] = std::min(outMin[c], p.y());
            outMax[c] = std::max(outMax[c], p.y());
        }
        QCOMPARE(outMin, fullMin);
        QCOMPARE(outMax, fullMax);
    }

    void minMaxClipsToTheWindowWithNeighbours()
    {
        const std::vector<QPointF> points = wave(10'000);
        const QList<QPointF> out = PointReducer::minMaxPerPixel(points, 5000, 6000, 100);
        QVERIFY(sortedByX(out));
        QCOMPARE(out.front().x(), 4999.0); // one point left of the window
        QCOMPARE(out.back().x(), 6001.0); // one right of it
        QVERIFY(out.size() <= 2 * (100 + 2)); // plus the neighbour columns on both sides
    }

    void shortSeriesPassThroughWithoutGaps()
    {
        std::vector<QPointF> points { { 0, 1 }, { 1, std::nan("") }, { 2, 3 } };
        const QList<QPointF> out = PointReducer::minMaxPerPixel(points, 0, 2, 100);
        QCOMPARE(out.size(), 2);
        QCOMPARE(out[1], QPointF(2, 3));
    }

    void degenerateInputIsSafe()
    {
        const std::vector<QPointF> points = wave(10);
        QVERIFY(PointReducer::minMaxPerPixel({}, 0, 1, 10).isEmpty());
        QVERIFY(PointReducer::minMaxPerPixel(points, 0, 10, 0).isEmpty());
        QVERIFY(PointReducer::minMaxPerPixel(points, 5, 5, 10).isEmpty());
        QVERIFY(PointReducer::minMaxPerPixel(points, 9, 1, 10).isEmpty());
        std::vector<QPointF> allNan(100'000, QPointF(0, std::nan("")));
        for (size_t i = 0; i < allNan.size(); ++i)
            allNan[i].setX(static_cast<double>(i));
        QVERIFY(PointReducer::minMaxPerPixel(allNan, 0, 99'999, 10).isEmpty());
    }

    void lttbKeepsCountEndsAndSpikes()
    {
        std::vector<QPointF> points = wave(100'000);
        points[50'001].setY(9999);
        const QList<QPointF> out = PointReducer::lttb(points, 1000);
        QCOMPARE(out.size(), 1000);
        QCOMPARE(out.front(), points.front());
        QCOMPARE(out.back(), points.back());
        QVERIFY(sortedByX(out));
        bool spike = false;
        for (const QPointF &p : out)
            spike = spike || p.y() == 9999;
        QVERIFY(spike);
    }

    void lttbLeavesShortInputAlone()
    {
        const std::vector<QPointF> points = wave(50);
        QCOMPARE(PointReducer::lttb(points, 100).size(), 50);
        QCOMPARE(PointReducer::lttb(points, 2).size(), 50);
        QVERIFY(PointReducer::lttb({}, 10).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPointReducer)
#include "tst_pointreducer.moc"
