#include "throttledtrigger.h"

#include <algorithm>

namespace tg {

ThrottledTrigger::ThrottledTrigger(int minIntervalMs, QObject *parent)
    : QObject(parent)
    , m_interval(std::max(minIntervalMs, 0))
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ThrottledTrigger::fire);
}

void ThrottledTrigger::request()
{
    if (m_timer.isActive())
        return; // folded into the pending one
    const qint64 since = m_sinceLast.isValid() ? m_sinceLast.elapsed() : m_interval;
    m_timer.start(static_cast<int>(std::max<qint64>(0, m_interval - since)));
}

void ThrottledTrigger::fire()
{
    m_sinceLast.start();
    Q_EMIT triggered();
}

} // namespace tg
