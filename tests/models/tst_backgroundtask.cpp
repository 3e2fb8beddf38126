#include "itemmodels/backgroundtask.h"

#include <QSemaphore>
#include <QTest>

#include <atomic>
#include <memory>
#include <thread>

using namespace tg;

class TestBackgroundTask : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resultArrivesLaterOnTheContextThread()
    {
        QObject context;
        bool called = false;
        QThread *calledOn = nullptr;
        runInBackground(
            &context, [] { return 42; },
            [&](int value) {
                called = value == 42;
                calledOn = QThread::currentThread();
            });
        // Never inside the call, even when the work is instant.
        QVERIFY(!called);
        QTRY_VERIFY(called);
        QCOMPARE(calledOn, QThread::currentThread());
    }

    void moveOnlyResults()
    {
        QObject context;
        int got = 0;
        runInBackground(
            &context, [] { return std::make_unique<int>(7); },
            [&](std::unique_ptr<int> value) { got = value ? *value : -1; });
        QTRY_COMPARE(got, 7);
    }

    void callableFromAnotherThread()
    {
        // A store commit callback runs on the writer thread and starts work for a GUI object.
        QObject context;
        QThread *calledOn = nullptr;
        std::thread caller([&] {
            runInBackground(
                &context, [] { return 3; }, [&](int) { calledOn = QThread::currentThread(); });
        });
        caller.join();
        QTRY_VERIFY(calledOn != nullptr);
        QCOMPARE(calledOn, QThread::currentThread());
    }

    void nothingArrivesOnceTheContextIsGone()
    {
        // The work outlives its context: the result is dropped, nothing crashes or asserts.
        auto release = std::make_shared<QSemaphore>();
        std::atomic<bool> finished { false };
        bool called = false;
        {
            QObject context;
            runInBackground(
                &context,
                [release, &finished] {
                    release->acquire();
                    finished = true;
                    return 1;
                },
                [&](int) { called = true; });
        }
        release->release();
        QTRY_VERIFY(finished.load());
        QTest::qWait(50);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestBackgroundTask)
#include "tst_backgroundtask.moc"
