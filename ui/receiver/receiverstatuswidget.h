#pragma once

#include "receiver/receiveroptions.h"

#include <QWidget>

class QLabel;
class QToolButton;

namespace tg {

/// What the status bar says about the receiver.
struct ReceiverStatus
{
    enum class State { Stopped, Starting, Running, Failed };
    State state = State::Stopped;
    QString address; ///< "127.0.0.1:4318" while running
    quint16 grpcPort = 0; ///< 0 = gRPC off
    double spansPerSecond = 0.0;
    ReceiverStats stats;
    QString error; ///< why it is not running (Failed)
};

/// The receiver's slot in the status bar: a state dot, one line of text (address, spans/s,
/// totals, last error; details in the tooltip) that opens the receiver menu, and the Follow
/// live toggle.
class ReceiverStatusWidget : public QWidget
{
    Q_OBJECT

public:
    explicit ReceiverStatusWidget(QWidget *parent = nullptr);

    void setStatus(const ReceiverStatus &status);
    void setMenuActions(const QList<QAction *> &actions);
    void setFollowLiveAction(QAction *action);
    QString text() const;
    /// The status line for a status, as shown (for the widget and tests).
    static QString statusText(const ReceiverStatus &status);

private:
    QLabel *m_dot;
    QToolButton *m_button;
    QToolButton *m_follow;
};

} // namespace tg
