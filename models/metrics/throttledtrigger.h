#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace tg {

/// Turns a burst of requests into at most one triggered() per interval (for live charts: at
/// most 10 redraws a second however fast the store commits). The first request of a quiet
/// period fires on the next event-loop turn; later ones are folded into one at the end of the
/// interval. triggered() never fires inside request().
class ThrottledTrigger : public QObject
{
    Q_OBJECT

public:
    explicit ThrottledTrigger(int minIntervalMs, QObject *parent = nullptr);

    void request();
    bool isPending() const { return m_timer.isActive(); }
    int interval() const { return m_interval; }

Q_SIGNALS:
    void triggered();

private:
    void fire();

    int m_interval;
    QTimer m_timer;
    QElapsedTimer m_sinceLast;
};

} // namespace tg
