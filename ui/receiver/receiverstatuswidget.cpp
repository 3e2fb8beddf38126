#include "receiverstatuswidget.h"

#include "domain/timeformat.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QToolButton>

namespace tg {

namespace {

// Errors older than this no longer make the status line; the tooltip keeps the last one.
constexpr qint64 kRecentErrorNs = 5LL * 60 * 1'000'000'000;

QString rateText(double perSecond)
{
    const QLocale locale;
    if (perSecond >= 10'000)
        return QObject::tr("%1k spans/s").arg(locale.toString(perSecond / 1000.0, 'f', 1));
    if (perSecond >= 10 || perSecond == 0)
        return QObject::tr("%1 spans/s").arg(locale.toString(qRound64(perSecond)));
    return QObject::tr("%1 spans/s").arg(locale.toString(perSecond, 'f', 1));
}

QString elided(const QString &text, int length)
{
    return text.size() > length ? text.left(length - 1) + u'…' : text;
}

} // namespace

ReceiverStatusWidget::ReceiverStatusWidget(QWidget *parent)
    : QWidget(parent)
    , m_dot(new QLabel(this))
    , m_button(new QToolButton(this))
    , m_follow(new QToolButton(this))
{
    setObjectName(QStringLiteral("receiverStatus"));
    m_dot->setObjectName(QStringLiteral("receiverStatusDot"));
    m_button->setObjectName(QStringLiteral("receiverStatusText"));
    m_button->setAutoRaise(true);
    m_button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_button->setPopupMode(QToolButton::InstantPopup);
    m_follow->setObjectName(QStringLiteral("followLiveButton"));
    m_follow->setAutoRaise(true);
    m_follow->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(2);
    layout->addWidget(m_dot);
    layout->addWidget(m_button);
    layout->addWidget(m_follow);
    setStatus({});
}

void ReceiverStatusWidget::setMenuActions(const QList<QAction *> &actions)
{
    auto *menu = new QMenu(m_button);
    menu->addActions(actions);
    m_button->setMenu(menu);
}

void ReceiverStatusWidget::setFollowLiveAction(QAction *action)
{
    m_follow->setDefaultAction(action);
}

QString ReceiverStatusWidget::text() const
{
    return m_button->text();
}

QString ReceiverStatusWidget::statusText(const ReceiverStatus &status)
{
    using State = ReceiverStatus::State;
    const QLocale locale;
    switch (status.state) {
    case State::Stopped:
        return tr("Receiver stopped");
    case State::Starting:
        return tr("Receiver starting…");
    case State::Failed:
        return tr("Receiver off: %1").arg(status.error);
    case State::Running:
        break;
    }
    const ReceiverStats &s = status.stats;
    QString text = tr("Receiver %1 · %2 · %3 spans in %4 requests")
                       .arg(status.address, rateText(status.spansPerSecond), locale.toString(s.spansAccepted),
                           locale.toString(s.requests));
    if (s.refused > 0)
        text += tr(" · %1 refused (busy)").arg(locale.toString(s.refused));
    if (!s.lastError.isEmpty() && nowNs() - s.lastErrorNs < kRecentErrorNs)
        text += tr(" · last error: %1").arg(elided(s.lastError, 60));
    return text;
}

void ReceiverStatusWidget::setStatus(const ReceiverStatus &status)
{
    using State = ReceiverStatus::State;
    const char *color = "#8a8a8a";
    if (status.state == State::Running)
        color = status.stats.lastError.isEmpty() || nowNs() - status.stats.lastErrorNs >= kRecentErrorNs
            ? "#2e9d4f"
            : "#d08700";
    else if (status.state == State::Failed)
        color = "#c62828";
    else if (status.state == State::Starting)
        color = "#d08700";
    m_dot->setText(QStringLiteral("<span style='color:%1'>●</span>").arg(QLatin1String(color)));
    m_button->setText(statusText(status));

    const QLocale locale;
    QStringList tip;
    if (status.state == State::Running) {
        tip << tr("OTLP/HTTP and Langfuse API: http://%1").arg(status.address);
        tip << (status.grpcPort > 0 ? tr("OTLP/gRPC: port %1").arg(status.grpcPort) : tr("OTLP/gRPC: off"));
        const ReceiverStats &s = status.stats;
        tip << tr("%1 spans stored, %2 rejected; %3 Langfuse events; %4 requests, %5")
                   .arg(locale.toString(s.spansAccepted), locale.toString(s.spansRejected),
                       locale.toString(s.ingestionEvents), locale.toString(s.requests),
                       locale.formattedDataSize(s.bytesReceived));
        if (s.logRecords > 0 || s.metricPoints > 0)
            tip << tr("%1 log records and %2 metric points counted (not stored)")
                       .arg(locale.toString(s.logRecords), locale.toString(s.metricPoints));
        if (s.refused > 0 || s.failed > 0)
            tip << tr("%1 refused while busy, %2 failed")
                       .arg(locale.toString(s.refused), locale.toString(s.failed));
        if (!s.lastError.isEmpty())
            tip << tr("Last error (%1): %2").arg(formatIsoTimestamp(s.lastErrorNs), s.lastError);
    } else if (status.state == State::Failed) {
        tip << status.error;
    }
    tip << tr("Click for the receiver menu.");
    m_button->setToolTip(tip.join(u'\n'));
}

} // namespace tg
