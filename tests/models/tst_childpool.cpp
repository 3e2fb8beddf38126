#include "itemmodels/childpool.h"

#include <QTest>

#include <random>

using tg::ChildPool;

class TestChildPool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void assignAndAppend();
    void insertAndErase();
    void compactsWhenSparse();
    void randomOperationsMatchVectors_data();
    void randomOperationsMatchVectors();
};

namespace {

std::vector<int> toVector(std::span<const int> list)
{
    return { list.begin(), list.end() };
}

} // namespace

void TestChildPool::assignAndAppend()
{
    ChildPool pool;
    QCOMPARE(pool.listCount(), 0);
    pool.assign({ 2, 0, 1 });
    QCOMPARE(pool.listCount(), 3);
    QCOMPARE(pool.size(0), 0);
    pool.append(0, 10);
    pool.append(0, 11);
    pool.append(2, 30);
    pool.append(1, 20); // no room was reserved: the list moves to the end
    pool.append(0, 12); // past its room, also moves
    QCOMPARE(toVector(pool.list(0)), (std::vector<int> { 10, 11, 12 }));
    QCOMPARE(toVector(pool.list(1)), (std::vector<int> { 20 }));
    QCOMPARE(toVector(pool.list(2)), (std::vector<int> { 30 }));
    pool.addList();
    QCOMPARE(pool.size(3), 0);
    QVERIFY(pool.list(3).empty());
}

void TestChildPool::insertAndErase()
{
    ChildPool pool;
    pool.assign({ 0 });
    const int values[] = { 1, 2, 3, 4 };
    pool.insert(0, 0, values, 4);
    const int middle[] = { 9, 8 };
    pool.insert(0, 2, middle, 2);
    QCOMPARE(toVector(pool.list(0)), (std::vector<int> { 1, 2, 9, 8, 3, 4 }));
    pool.insert(0, 100, values, 1); // past the end appends
    QCOMPARE(toVector(pool.list(0)), (std::vector<int> { 1, 2, 9, 8, 3, 4, 1 }));
    pool.erase(0, 1, 3);
    QCOMPARE(toVector(pool.list(0)), (std::vector<int> { 1, 3, 4, 1 }));
    pool.erase(0, 2, 100); // clamped
    QCOMPARE(toVector(pool.list(0)), (std::vector<int> { 1, 3 }));
    pool.erase(0, 5, 1); // out of range: nothing
    pool.insert(0, 0, values, 0);
    QCOMPARE(toVector(pool.list(0)), (std::vector<int> { 1, 3 }));
    pool.mutableList(0)[0] = 7;
    QCOMPARE(toVector(pool.list(0)), (std::vector<int> { 7, 3 }));
}

void TestChildPool::compactsWhenSparse()
{
    // The top level of a live trace fills with orphans, which then all move under their parent.
    ChildPool pool;
    pool.assign({ 0, 0, 0 });
    for (int i = 0; i < 20'000; ++i)
        pool.append(0, i);
    pool.append(1, 7);
    QVERIFY(pool.arraySize() >= 20'001);
    std::vector<int> moved(pool.list(0).begin(), pool.list(0).end());
    pool.erase(0, 0, 19'990);
    // Slack left behind: the array shrank back to about the entries.
    QCOMPARE(pool.entryCount(), size_t(11));
    QVERIFY2(pool.arraySize() < 100, qPrintable(QString::number(pool.arraySize())));
    QCOMPARE(toVector(pool.list(0)), std::vector<int>(moved.end() - 10, moved.end()));
    QCOMPARE(toVector(pool.list(1)), (std::vector<int> { 7 }));
    QVERIFY(pool.list(2).empty());
    pool.insert(2, 0, moved.data(), 5000);
    QCOMPARE(toVector(pool.list(2)), std::vector<int>(moved.begin(), moved.begin() + 5000));
    QCOMPARE(pool.entryCount(), size_t(5011));
}

void TestChildPool::randomOperationsMatchVectors_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 4; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

void TestChildPool::randomOperationsMatchVectors()
{
    // Enough traffic that lists move many times and the pool compacts.
    QFETCH(quint32, seed);
    std::mt19937 rng(seed);
    std::vector<std::vector<int>> reference(50);
    std::vector<int> capacities(50);
    for (int &c : capacities)
        c = static_cast<int>(rng() % 4);
    ChildPool pool;
    pool.assign(capacities);
    for (int step = 0; step < 60'000; ++step) {
        if (step % 500 == 0) {
            pool.addList();
            reference.emplace_back();
        }
        const int list = static_cast<int>(rng() % reference.size());
        std::vector<int> &ref = reference[static_cast<size_t>(list)];
        const unsigned op = rng() % 1000 == 0 ? 99 : rng() % 10;
        if (op == 99) {
            // Now and then a list empties at once, which lets the pool compact.
            pool.erase(list, 0, ref.size());
            ref.clear();
        } else if (op < 5) {
            const int value = static_cast<int>(rng() % 100000);
            pool.append(list, value);
            ref.push_back(value);
        } else if (op < 8) {
            const size_t at = ref.empty() ? 0 : rng() % (ref.size() + 1);
            const int values[3]
                = { static_cast<int>(rng()), static_cast<int>(rng()), static_cast<int>(rng()) };
            const size_t count = 1 + rng() % 3;
            pool.insert(list, at, values, count);
            ref.insert(ref.begin() + static_cast<std::ptrdiff_t>(at), values, values + count);
        } else if (!ref.empty()) {
            const size_t at = rng() % ref.size();
            const size_t count = std::min<size_t>(1 + rng() % 4, ref.size() - at);
            pool.erase(list, at, count);
            ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(at),
                ref.begin() + static_cast<std::ptrdiff_t>(at + count));
        }
        if (step % 7919 == 0)
            pool.compact();
        if (step % 997 == 0) {
            for (size_t i = 0; i < reference.size(); ++i)
                QCOMPARE(toVector(pool.list(static_cast<int>(i))), reference[i]);
        }
    }
    for (size_t i = 0; i < reference.size(); ++i)
        QCOMPARE(toVector(pool.list(static_cast<int>(i))), reference[i]);
}

QTEST_GUILESS_MAIN(TestChildPool)
#include "tst_childpool.moc"
