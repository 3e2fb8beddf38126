#include "forwardercontroller.h"

#include "connectionscontroller.h"
#include "forwarderdialog.h"
#include "icons.h"
#include "itemmodels/backgroundtask.h"
#include "langfuse/connectionregistry.h"
#include "mainwindow.h"
#include "store/outbox.h"
#include "store/readerpool.h"
#include "store/storereader.h"
#include "store/tracestore.h"
#include "tracespage.h"

#include <QAction>
#include <QCoreApplication>
#include <QEvent>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QToolButton>

namespace tg {

namespace {

constexpr auto kConnectionKey = "forwarder/connection";
constexpr auto kPausedKey = "forwarder/paused";

QString elided(const QString &text, int length)
{
    return text.size() > length ? text.left(length - 1) + u'…' : text;
}

} // namespace

ForwarderController::ForwarderController(TraceStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_dialogAction(new QAction(tr("&Forward to Langfuse…"), this))
    , m_forwardSelected(new QAction(tr("Forward Selected Traces to Langfuse"), this))
{
    m_options.scopeVersion = QCoreApplication::applicationVersion();
    m_dialogAction->setObjectName(QStringLiteral("actionForwarding"));
    m_dialogAction->setIcon(icons::icon(QStringLiteral("cloud")));
    m_dialogAction->setToolTip(tr("Send local traces to a Langfuse project, automatically or on demand"));
    m_forwardSelected->setObjectName(QStringLiteral("actionForwardSelected"));
    connect(m_dialogAction, &QAction::triggered, this, &ForwarderController::showDialog);
    connect(m_forwardSelected, &QAction::triggered, this, [this] {
        if (MainWindow *window = m_window.data())
            forwardTraces(window->tracesPage()->selectedTraceRks());
    });
}

ForwarderController::~ForwarderController()
{
    delete m_dialog.data();
    dropForwarder();
}

void ForwarderController::install(MainWindow *window, ConnectionRegistry *registry)
{
    m_window = window;
    m_registry = registry;
    // File menu, after Export… if it is there; and the receiver's menu and status button.
    for (QAction *top : window->menuBar()->actions()) {
        QMenu *menu = top->menu();
        if (!menu)
            continue;
        const QString title = top->text().remove(u'&');
        if (title == tr("File")) {
            QAction *before = nullptr;
            const QList<QAction *> actions = menu->actions();
            for (int i = 0; i < actions.size(); ++i) {
                if (actions[i]->objectName() == u"actionExport")
                    before = actions.value(i + 1);
            }
            menu->insertAction(before ? before : actions.value(0), m_dialogAction);
        } else if (menu->objectName() == u"receiverMenu" || menu->objectName() == u"connectionsMenu") {
            menu->addSeparator();
            menu->addAction(m_dialogAction);
        }
    }
    if (auto *button = window->findChild<QToolButton *>(QStringLiteral("receiverStatusText"))) {
        if (QMenu *menu = button->menu()) {
            menu->addSeparator();
            menu->addAction(m_dialogAction);
        }
    }
    window->tracesPage()->addContextActions({ m_forwardSelected });

    m_status = window->addStatusSlot(QStringLiteral("forwarderStatus"));
    m_status->setCursor(Qt::PointingHandCursor);
    m_status->installEventFilter(this);
    m_status->hide();

    if (m_registry) {
        connect(m_registry, &ConnectionRegistry::connectionsChanged, this, [this] {
            // Connections load after launch: a chosen one without a forwarder may be there now.
            if (!m_connectionId.isEmpty() && !m_forwarder)
                activate();
            Q_EMIT changed();
        });
        connect(m_registry, &ConnectionRegistry::connectionSaved, this, [this](const QString &id) {
            if (id == m_connectionId)
                activate(); // host or key may have changed
        });
        connect(m_registry, &ConnectionRegistry::connectionRemoved, this, [this](const QString &id) {
            if (id != m_connectionId)
                return;
            dropForwarder();
            m_problem = tr("the connection was removed");
            updateStatus();
        });
    }
}

void ForwarderController::startAtLaunch()
{
    const QSettings settings;
    m_paused = settings.value(QLatin1String(kPausedKey), false).toBool();
    m_connectionId = settings.value(QLatin1String(kConnectionKey)).toString();
    loadRules();
    activate();
}

QString ForwarderController::connectionName() const
{
    if (m_registry) {
        if (const auto connection = m_registry->connection(m_connectionId))
            return connection->name;
    }
    return m_connectionId;
}

void ForwarderController::setConnection(const QString &connectionId)
{
    if (connectionId == m_connectionId)
        return;
    const QString previous = m_connectionId;
    QSettings().setValue(QLatin1String(kConnectionKey), connectionId);
    // The sources that forwarded to the old connection forward to the new one; what was queued
    // for the old one stays queued for it (sent if it is chosen again).
    Outbox outbox(m_store);
    for (const qint64 source : std::as_const(m_ruleSources)) {
        if (!previous.isEmpty())
            outbox.setRule(source, previous, false);
        if (!connectionId.isEmpty())
            outbox.setRule(source, connectionId, true);
    }
    m_connectionId = connectionId;
    activate();
}

void ForwarderController::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    QSettings().setValue(QLatin1String(kPausedKey), paused);
    if (m_forwarder) {
        if (paused)
            m_forwarder->stop();
        else
            m_forwarder->start();
    }
    updateStatus();
}

void ForwarderController::activate()
{
    const quint64 generation = ++m_generation;
    dropForwarder();
    m_problem.clear();
    if (m_connectionId.isEmpty()) {
        updateStatus();
        return;
    }
    const auto connection = m_registry ? m_registry->connection(m_connectionId) : std::nullopt;
    if (!connection) {
        m_problem = tr("the connection is not configured");
        updateStatus();
        return;
    }
    ForwardTarget target;
    target.id = connection->id;
    target.name = connection->name;
    target.host = connection->host;
    target.publicKey = connection->publicKey;
    target.fromEnvironment = connection->fromEnvironment;
    m_problem = tr("reading the secret key…");
    updateStatus();
    m_registry->secret(target.id, this, [this, generation, target](const CredentialResult &result) {
        if (generation != m_generation)
            return;
        if (!result.ok() || result.secret.isEmpty()) {
            m_problem = tr("no secret key (%1)")
                            .arg(result.message.isEmpty() ? tr("not in the keychain") : result.message);
            updateStatus();
            return;
        }
        m_problem.clear();
        createForwarder(target, result.secret);
    });
}

void ForwarderController::createForwarder(const ForwardTarget &target, const QString &secret)
{
    m_forwarder = new OtlpForwarder(m_store, target, secret, m_options, this);
    connect(m_forwarder, &OtlpForwarder::stateChanged, this, &ForwarderController::updateStatus);
    connect(m_forwarder, &OtlpForwarder::statsChanged, this, &ForwarderController::updateStatus);
    connect(m_forwarder, &OtlpForwarder::delivered, this, [this] {
        m_lastSuccess = QDateTime::currentDateTime();
        updateStatus();
    });
    if (m_paused)
        m_forwarder->stop();
    else
        m_forwarder->start();
    updateStatus();
}

void ForwarderController::dropForwarder()
{
    if (!m_forwarder)
        return;
    m_forwarder->disconnect(this);
    m_forwarder->stop();
    delete m_forwarder;
    m_forwarder = nullptr;
}

void ForwarderController::loadRules()
{
    const std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    runInBackground(
        this,
        [pool] {
            std::vector<ForwardRule> rules;
            if (ReaderLease reader = pool->lease())
                rules = Outbox::rules(*reader);
            return rules;
        },
        [this](std::vector<ForwardRule> rules) {
            m_ruleSources.clear();
            for (const ForwardRule &rule : rules) {
                if (rule.target == m_connectionId)
                    m_ruleSources.insert(rule.sourceId);
            }
            Q_EMIT changed();
        });
}

void ForwarderController::forwardTraces(const QList<qint64> &traceRks)
{
    if (m_connectionId.isEmpty()) {
        ForwarderDialog *dialog = showDialog();
        dialog->setNotice(tr("Choose the Langfuse connection to forward to, then forward the traces again."));
        return;
    }
    if (traceRks.isEmpty())
        return;
    if (m_forwarder)
        m_forwarder->forwardTraces(traceRks);
    else // sent once the forwarder runs (it sends whatever is due)
        Outbox(m_store).enqueue(m_connectionId, traceRks, true);
    if (MainWindow *window = m_window.data())
        window->statusBar()->showMessage(
            tr("Queued %1 for %2")
                .arg(traceRks.size() == 1 ? tr("1 trace") : tr("%1 traces").arg(traceRks.size()),
                    connectionName()),
            5000);
}

void ForwarderController::setAutoForward(qint64 sourceId, bool enabled, bool includeExisting)
{
    if (enabled)
        m_ruleSources.insert(sourceId);
    else
        m_ruleSources.remove(sourceId);
    if (!m_connectionId.isEmpty()) {
        if (m_forwarder)
            m_forwarder->setAutoForward(sourceId, enabled, includeExisting);
        else
            Outbox(m_store).setRule(sourceId, m_connectionId, enabled, includeExisting);
    }
    Q_EMIT changed();
}

void ForwarderController::retryNow()
{
    if (m_forwarder)
        m_forwarder->retryNow();
    else if (!m_connectionId.isEmpty())
        activate(); // the key may be in the keychain now
}

void ForwarderController::clearQueue()
{
    if (m_forwarder)
        m_forwarder->clearQueue();
    else if (!m_connectionId.isEmpty())
        Outbox(m_store).clear(m_connectionId);
}

QString ForwarderController::statusText() const
{
    if (m_connectionId.isEmpty())
        return QString();
    const QString name = connectionName();
    if (!m_forwarder)
        return tr("→ %1: %2").arg(name, m_problem.isEmpty() ? tr("starting…") : m_problem);
    const OutboxStats &stats = m_forwarder->stats();
    const QLocale locale;
    QString queue = tr("%1 queued").arg(locale.toString(stats.pending));
    if (stats.failed > 0)
        queue += tr(", %1 refused").arg(locale.toString(stats.failed));
    const QString error = elided(m_forwarder->lastError(), 60);
    QString state;
    switch (m_forwarder->state()) {
    case OtlpForwarder::State::Idle:
        state = tr("idle");
        break;
    case OtlpForwarder::State::Sending:
        state = tr("sending");
        break;
    case OtlpForwarder::State::Waiting:
        state = tr("backing off until %1")
                    .arg(QDateTime::fromMSecsSinceEpoch(m_forwarder->retryAtMs())
                             .toString(QStringLiteral("HH:mm:ss")));
        if (!error.isEmpty())
            state += QStringLiteral(" (%1)").arg(error);
        break;
    case OtlpForwarder::State::AuthFailed:
        state = tr("key refused (%1)").arg(error);
        break;
    case OtlpForwarder::State::Stopped:
        state = m_paused ? tr("paused") : tr("stopped");
        break;
    }
    return tr("→ %1: %2 · %3").arg(name, state, queue);
}

ForwarderDialog *ForwarderController::showDialog()
{
    if (!m_dialog) {
        m_dialog = new ForwarderDialog(this, m_store, m_window);
        m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
    return m_dialog;
}

ForwarderDialog *ForwarderController::dialog() const
{
    return m_dialog;
}

bool ForwarderController::manageConnections()
{
    MainWindow *window = m_window.data();
    ConnectionsController *connections = window ? window->connections() : nullptr;
    if (!connections)
        return false;
    connections->showDialog();
    return true;
}

bool ForwarderController::canManageConnections() const
{
    const MainWindow *window = m_window.data();
    return window && window->connections();
}

bool ForwarderController::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_status && event->type() == QEvent::MouseButtonRelease) {
        showDialog();
        return true;
    }
    return QObject::eventFilter(watched, event);
}

void ForwarderController::updateStatus()
{
    if (m_status) {
        const QString text = statusText();
        m_status->setText(text);
        m_status->setVisible(!text.isEmpty());
        QString tip = tr("Forwarding to Langfuse: click for details");
        if (m_forwarder && !m_forwarder->lastError().isEmpty())
            tip += u'\n' + tr("Last error: %1").arg(m_forwarder->lastError());
        m_status->setToolTip(tip);
    }
    Q_EMIT changed();
}

} // namespace tg
