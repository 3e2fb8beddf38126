#include "forwarderdialog.h"

#include "domain/source.h"
#include "forwardercontroller.h"
#include "itemmodels/backgroundtask.h"
#include "langfuse/connectionregistry.h"
#include "store/outbox.h"
#include "store/readerpool.h"
#include "store/storechange.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tg {

namespace {

struct QueueRow
{
    QString trace;
    QString traceId;
    int attempts = 0;
    qint64 nextTryNs = 0;
    bool failed = false;
    QString error;
};

QLabel *valueLabel(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QString timeText(qint64 ns)
{
    return ns > 0 ? QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(QStringLiteral("HH:mm:ss"))
                  : QString();
}

} // namespace

ForwarderDialog::ForwarderDialog(ForwarderController *controller, TraceStore *store, QWidget *parent)
    : QDialog(parent)
    , m_controller(controller)
    , m_store(store)
    , m_notice(new QLabel(this))
    , m_connection(new QComboBox(this))
    , m_manage(new QPushButton(tr("Manage Connections…"), this))
    , m_sources(new QListWidget(this))
    , m_includeExisting(
          new QCheckBox(tr("When turning a source on, also send the traces it already has"), this))
    , m_state(valueLabel(this, QStringLiteral("forwarderState")))
    , m_queued(valueLabel(this, QStringLiteral("forwarderQueued")))
    , m_delivered(valueLabel(this, QStringLiteral("forwarderDelivered")))
    , m_lastSuccess(valueLabel(this, QStringLiteral("forwarderLastSuccess")))
    , m_lastError(valueLabel(this, QStringLiteral("forwarderLastError")))
    , m_queue(new QTreeWidget(this))
    , m_retry(new QPushButton(tr("Retry Now"), this))
    , m_pause(new QPushButton(this))
    , m_clear(new QPushButton(tr("Clear Queue…"), this))
    , m_queueTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("forwarderDialog"));
    setWindowTitle(tr("Forward to Langfuse"));
    m_notice->setObjectName(QStringLiteral("forwarderNotice"));
    m_notice->setWordWrap(true);
    m_notice->hide();
    auto *intro
        = new QLabel(tr("Sends local traces to a Langfuse project through its OpenTelemetry endpoint. "
                        "They wait in an outbox in the local store while Langfuse is down or "
                        "rate-limits, so nothing is lost; resent spans are upserts, never duplicates."),
            this);
    intro->setWordWrap(true);

    m_connection->setObjectName(QStringLiteral("forwardConnectionCombo"));
    m_connection->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_manage->setObjectName(QStringLiteral("manageConnectionsButton"));
    m_manage->setVisible(controller->canManageConnections());
    auto *connectionRow = new QHBoxLayout;
    connectionRow->addWidget(m_connection, 1);
    connectionRow->addWidget(m_manage);

    m_sources->setObjectName(QStringLiteral("forwardSourcesList"));
    m_sources->setMaximumHeight(m_sources->fontMetrics().height() * 6 + 16);
    m_includeExisting->setObjectName(QStringLiteral("includeExistingCheck"));
    auto *sourcesBox = new QGroupBox(tr("Forward new spans of these sources automatically"), this);
    auto *sourcesLayout = new QVBoxLayout(sourcesBox);
    sourcesLayout->addWidget(m_sources);
    sourcesLayout->addWidget(m_includeExisting);

    auto *statusBox = new QGroupBox(tr("Outbox"), this);
    auto *form = new QFormLayout;
    form->addRow(tr("State:"), m_state);
    form->addRow(tr("Queued:"), m_queued);
    form->addRow(tr("Delivered:"), m_delivered);
    form->addRow(tr("Last success:"), m_lastSuccess);
    form->addRow(tr("Last error:"), m_lastError);
    m_lastError->setWordWrap(true); // server messages can be long
    m_queue->setObjectName(QStringLiteral("forwardQueueList"));
    m_queue->setRootIsDecorated(false);
    m_queue->setAlternatingRowColors(true);
    m_queue->setHeaderLabels({ tr("Queued trace"), tr("Attempts"), tr("Next try"), tr("Error") });
    m_queue->setColumnWidth(0, 260);
    m_queue->setColumnWidth(1, 70);
    m_queue->setColumnWidth(2, 80);
    m_queue->header()->setStretchLastSection(true);
    m_retry->setObjectName(QStringLiteral("retryNowButton"));
    m_pause->setObjectName(QStringLiteral("pauseButton"));
    m_clear->setObjectName(QStringLiteral("clearQueueButton"));
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_retry);
    actions->addWidget(m_pause);
    actions->addStretch(1);
    actions->addWidget(m_clear);
    auto *statusLayout = new QVBoxLayout(statusBox);
    statusLayout->addLayout(form);
    statusLayout->addWidget(m_queue, 1);
    statusLayout->addLayout(actions);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *top = new QFormLayout;
    top->addRow(tr("Send to:"), connectionRow);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_notice);
    layout->addWidget(intro);
    layout->addLayout(top);
    layout->addWidget(sourcesBox);
    layout->addWidget(statusBox, 1);
    layout->addWidget(buttons);
    resize(780, 660);

    m_queueTimer->setSingleShot(true);
    m_queueTimer->setInterval(300);
    connect(m_queueTimer, &QTimer::timeout, this, &ForwarderDialog::reloadQueue);
    connect(m_connection, &QComboBox::activated, this,
        [this](int index) { m_controller->setConnection(m_connection->itemData(index).toString()); });
    connect(m_manage, &QPushButton::clicked, this, [this] { m_controller->manageConnections(); });
    connect(m_sources, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        const qint64 id = item->data(Qt::UserRole).toLongLong();
        const bool on = item->checkState() == Qt::Checked;
        if (on != m_controller->autoForwardSources().contains(id))
            m_controller->setAutoForward(id, on, m_includeExisting->isChecked());
    });
    connect(m_retry, &QPushButton::clicked, m_controller, &ForwarderController::retryNow);
    connect(
        m_pause, &QPushButton::clicked, this, [this] { m_controller->setPaused(!m_controller->isPaused()); });
    connect(m_clear, &QPushButton::clicked, this, [this] {
        if (QMessageBox::question(this, tr("Clear Queue"),
                tr("Drop every trace waiting to be sent to %1? They stay in the local store.")
                    .arg(m_controller->connectionName()))
            == QMessageBox::Yes)
            m_controller->clearQueue();
    });
    connect(m_controller, &ForwarderController::changed, this, &ForwarderDialog::refresh);
    if (ConnectionRegistry *registry = m_controller->registry())
        connect(registry, &ConnectionRegistry::connectionsChanged, this, &ForwarderDialog::reloadConnections);
    connect(m_store, &TraceStore::committed, this, [this](const StoreChange &change) {
        if (change.sourcesChanged)
            reloadSources();
    });
    reloadConnections();
    reloadSources();
    refresh();
}

QString ForwarderDialog::stateText() const
{
    return m_state->text();
}

QString ForwarderDialog::queuedText() const
{
    return m_queued->text();
}

void ForwarderDialog::setNotice(const QString &text)
{
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
}

void ForwarderDialog::reloadConnections()
{
    const QSignalBlocker blocker(m_connection);
    m_connection->clear();
    m_connection->addItem(tr("Off — nothing is forwarded"), QString());
    if (ConnectionRegistry *registry = m_controller->registry()) {
        for (const LangfuseConnection &c : registry->connections())
            m_connection->addItem(QStringLiteral("%1 — %2").arg(c.name, c.host), c.id);
    }
    const QString current = m_controller->connectionId();
    int index = m_connection->findData(current);
    if (index < 0 && !current.isEmpty()) {
        m_connection->addItem(tr("%1 (not configured)").arg(current), current);
        index = m_connection->count() - 1;
    }
    m_connection->setCurrentIndex(std::max(0, index));
}

void ForwarderDialog::reloadSources()
{
    const std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    runInBackground(
        this,
        [pool] {
            std::vector<Source> sources;
            if (ReaderLease reader = pool->lease())
                sources = reader->sources(false);
            return sources;
        },
        [this](std::vector<Source> sources) {
            const QSignalBlocker blocker(m_sources);
            m_sources->clear();
            const QSet<qint64> on = m_controller->autoForwardSources();
            for (const Source &source : sources) {
                if (source.kind == SourceKind::Langfuse)
                    continue; // already in Langfuse
                auto *item = new QListWidgetItem(
                    QStringLiteral("%1  (%2)").arg(source.name, sourceKindName(source.kind)), m_sources);
                item->setData(Qt::UserRole, source.id);
                item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
                item->setCheckState(on.contains(source.id) ? Qt::Checked : Qt::Unchecked);
            }
            refresh();
        });
}

void ForwarderDialog::reloadQueue()
{
    const QString target = m_controller->connectionId();
    const quint64 generation = ++m_queueGeneration;
    const std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    runInBackground(
        this,
        [pool, target] {
            std::vector<QueueRow> rows;
            ReaderLease reader = pool->lease();
            if (!reader || target.isEmpty())
                return rows;
            for (const OutboxItem &item : Outbox::items(*reader, target, 100)) {
                QueueRow row;
                const auto trace = reader->trace(item.traceRk);
                if (trace) {
                    row.trace = trace->name.isEmpty() ? trace->id : trace->name;
                    row.traceId = trace->id;
                } else {
                    row.trace = QStringLiteral("#%1").arg(item.traceRk); // deleted meanwhile
                }
                row.attempts = item.attempts;
                row.nextTryNs = item.nextTryNs;
                row.failed = item.failed;
                row.error = item.lastError;
                rows.push_back(row);
            }
            return rows;
        },
        [this, generation](std::vector<QueueRow> rows) {
            if (generation != m_queueGeneration)
                return;
            m_queue->clear();
            for (const QueueRow &row : rows) {
                auto *item = new QTreeWidgetItem(m_queue,
                    { row.trace, QString::number(row.attempts),
                        row.failed ? tr("refused") : timeText(row.nextTryNs), row.error });
                item->setToolTip(0, row.traceId);
                item->setToolTip(3, row.error);
            }
        });
}

void ForwarderDialog::refresh()
{
    const QString id = m_controller->connectionId();
    if (m_connection->currentData().toString() != id)
        reloadConnections();
    const bool on = !id.isEmpty();
    if (on)
        setNotice(QString()); // a connection was chosen: what the notice asked for is done
    {
        const QSignalBlocker blocker(m_sources);
        const QSet<qint64> rules = m_controller->autoForwardSources();
        for (int i = 0; i < m_sources->count(); ++i) {
            QListWidgetItem *item = m_sources->item(i);
            item->setCheckState(
                rules.contains(item->data(Qt::UserRole).toLongLong()) ? Qt::Checked : Qt::Unchecked);
        }
    }
    m_sources->setEnabled(on);
    m_includeExisting->setEnabled(on);
    m_retry->setEnabled(on);
    m_pause->setEnabled(on);
    m_clear->setEnabled(on);
    m_pause->setText(m_controller->isPaused() ? tr("Resume") : tr("Pause"));

    const QLocale locale;
    OtlpForwarder *forwarder = m_controller->forwarder();
    if (!on) {
        m_state->setText(tr("Off"));
    } else {
        QString status = m_controller->statusText();
        const qsizetype colon = status.indexOf(QStringLiteral(": "));
        const qsizetype dot = status.lastIndexOf(QStringLiteral(" · "));
        if (forwarder && colon > 0 && dot > colon) // the state part of "→ name: state · queue"
            status = status.mid(colon + 2, dot - colon - 2);
        m_state->setText(status);
    }
    if (forwarder) {
        const OutboxStats &s = forwarder->stats();
        m_queued->setText(
            tr("%1 traces (%2 waiting to retry, %3 refused by Langfuse)")
                .arg(locale.toString(s.pending), locale.toString(s.waiting), locale.toString(s.failed)));
        const qint64 requests = forwarder->requestsSent();
        m_delivered->setText(tr("%1 spans since the app started (%2)")
                                 .arg(locale.toString(forwarder->spansDelivered()),
                                     requests == 1 ? tr("1 request sent")
                                                   : tr("%1 requests sent").arg(locale.toString(requests))));
        m_lastError->setText(forwarder->lastError().isEmpty() ? tr("none") : forwarder->lastError());
        m_lastError->setToolTip(forwarder->lastError());
    } else {
        m_queued->setText(on ? tr("unknown until forwarding runs") : QString());
        m_delivered->clear();
        m_lastError->setText(on ? m_controller->problem() : QString());
    }
    m_lastSuccess->setText(m_controller->lastSuccess().isValid()
            ? locale.toString(m_controller->lastSuccess(), QLocale::ShortFormat)
            : tr("not in this session"));
    if (!m_queueTimer->isActive())
        m_queueTimer->start();
}

} // namespace tg
