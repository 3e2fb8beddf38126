#include "replaywindow.h"

#include "domain/timeformat.h"
#include "icons.h"
#include "itemmodels/backgroundtask.h"
#include "langfuse/connectionregistry.h"
#include "pricesdialog.h"
#include "providersdialog.h"
#include "replaycontext.h"
#include "replayhtml.h"
#include "requesteditor.h"
#include "store/readerpool.h"
#include "store/storereader.h"
#include "store/tracestore.h"
#include "theme.h"
#include "variantcolumn.h"

#include <QAction>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QToolBar>
#include <QVBoxLayout>

namespace tg {

/// Everything parsed off the GUI thread: payloads can be megabytes.
struct ReplayWindow::Loaded
{
    std::optional<ReplayOrigin> origin;
    ReplayRequest request;
    QString recordedText;
    QString error;
};

ReplayWindow::ReplayWindow(ReplayContext *context, qint64 observationRk, QWidget *parent)
    : QWidget(parent, Qt::Window)
    , m_context(context)
    , m_observationRk(observationRk)
    , m_title(new QLabel(this))
    , m_facts(new QLabel(this))
    , m_toolbar(new QToolBar(this))
    , m_save(new QCheckBox(tr("Save replays"), this))
    , m_sendTo(new QComboBox(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_editor(new RequestEditor(this))
    , m_variantScroll(new QScrollArea(this))
    , m_variantBody(new QWidget)
    , m_variantLayout(new QHBoxLayout(m_variantBody))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("replayWindow"));
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowIcon(icons::icon(QStringLiteral("replay")));
    setWindowTitle(tr("Replay"));
    resize(1440, 900);

    m_title->setTextFormat(Qt::RichText);
    m_title->setText(tr("<b style='font-size:large'>Replay</b>"));
    m_facts->setObjectName(QStringLiteral("replayFacts"));
    m_facts->setForegroundRole(QPalette::PlaceholderText);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setObjectName(QStringLiteral("replayStatus"));
    m_status->setWordWrap(true);

    m_toolbar->setObjectName(QStringLiteral("replayToolbar"));
    m_toolbar->setIconSize(QSize(16, 16));
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    QAction *runAll = m_toolbar->addAction(
        icons::icon(QStringLiteral("replay")), tr("Run All"), this, &ReplayWindow::runAll);
    runAll->setObjectName(QStringLiteral("actionRunAll"));
    runAll->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    runAll->setToolTip(tr("Run every variant with the edited request (Ctrl+Enter)"));
    QAction *add = m_toolbar->addAction(
        icons::icon(QStringLiteral("stack")), tr("Add Variant"), this, [this] { addVariant(); });
    add->setObjectName(QStringLiteral("actionAddVariant"));
    add->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    m_toolbar->addSeparator();
    m_toolbar->addAction(icons::icon(QStringLiteral("cloud")), tr("Manage Providers…"), this, [this] {
        ProvidersDialog dialog(m_context, this);
        dialog.exec();
    });
    m_toolbar->addAction(icons::icon(QStringLiteral("cost")), tr("Prices…"), this, [this] {
        PricesDialog dialog(m_context, this);
        dialog.exec();
    });
    m_toolbar->addSeparator();
    m_save->setChecked(m_context->storesReplays());
    m_save->setToolTip(tr("Store every finished replay as a trace under the Replays source"));
    m_toolbar->addWidget(m_save);
    auto *sendLabel = new QLabel(tr("  Send to Langfuse: "), this);
    m_toolbar->addWidget(sendLabel);
    m_sendTo->setObjectName(QStringLiteral("sendTarget"));
    m_sendTo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_toolbar->addWidget(m_sendTo);
    refreshSendTargets();

    m_variantLayout->setContentsMargins(6, 6, 6, 6);
    m_variantLayout->setSpacing(8);
    m_variantScroll->setObjectName(QStringLiteral("variantScroll"));
    m_variantScroll->setWidgetResizable(true);
    m_variantScroll->setFrameShape(QFrame::NoFrame);
    m_variantScroll->setWidget(m_variantBody);
    m_splitter->setObjectName(QStringLiteral("replaySplitter"));
    m_splitter->addWidget(m_editor);
    m_splitter->addWidget(m_variantScroll);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setSizes({ 560, 880 });

    auto *header = new QHBoxLayout;
    header->setContentsMargins(10, 8, 10, 0);
    header->setSpacing(12);
    header->addWidget(m_title);
    header->addWidget(m_facts, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 4);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(m_toolbar);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_status);
    m_status->setContentsMargins(10, 0, 10, 0);

    connect(m_save, &QCheckBox::toggled, m_context, &ReplayContext::setStoresReplays);
    connect(m_editor, &RequestEditor::changed, this, [this] { m_status->clear(); });
    connect(m_context->providers(), &ProviderRegistry::providersChanged, this, [this] {
        for (VariantColumn *c : variants())
            c->refreshProviders();
    });
    if (m_context->connections())
        connect(m_context->connections(), &ConnectionRegistry::connectionsChanged, this,
            &ReplayWindow::refreshSendTargets);
    load();
}

ReplayWindow::~ReplayWindow() = default;

void ReplayWindow::load()
{
    showStatus(tr("Reading the generation…"));
    std::shared_ptr<ReaderPool> pool = m_context->store()->readerPool();
    const qint64 rk = m_observationRk;
    runInBackground(
        this,
        [pool, rk] {
            Loaded out;
            ReaderLease reader = pool->lease();
            if (!reader) {
                out.error = tr("The store cannot be read.");
                return out;
            }
            out.origin = ReplayOrigin::load(*reader, rk, &out.error);
            if (out.origin) {
                out.request = out.origin->request();
                out.recordedText = out.origin->recordedText();
            }
            return out;
        },
        [this](Loaded result) { onLoaded(std::move(result)); });
}

void ReplayWindow::onLoaded(Loaded result)
{
    if (!result.origin) {
        showStatus(result.error, true);
        Q_EMIT loaded(false);
        return;
    }
    m_origin = std::move(result.origin);
    const ReplayOrigin &o = *m_origin;
    const QString name = o.name.isEmpty() ? o.observationId : o.name;
    setWindowTitle(tr("Replay %1 — %2").arg(name, o.traceName.isEmpty() ? o.traceId : o.traceName));
    m_title->setText(
        QStringLiteral("<b style='font-size:large'>%1</b>").arg(tr("Replay %1").arg(name.toHtmlEscaped())));
    QStringList facts;
    facts << tr("from trace %1").arg(o.traceName.isEmpty() ? o.traceId : o.traceName);
    if (!o.model.isEmpty())
        facts << o.model;
    if (!o.sourceKey.isEmpty())
        facts << o.sourceKey;
    m_facts->setText(facts.join(QStringLiteral(" · ")));
    const ReplayRequest &request = result.request;
    m_editor->setRequest(request);

    const QString recordedFacts
        = replayhtml::facts(QString(), o.usage, o.latencyNs >= 0 ? o.latencyNs / 1'000'000 : -1,
            o.ttftNs >= 0 ? o.ttftNs / 1'000'000 : -1, o.cost, o.cost.isEmpty() ? QString() : tr("recorded"));
    m_recordedColumn = VariantColumn::recorded(m_context, result.recordedText,
        (o.model.isEmpty() ? QString() : o.model + QStringLiteral(" · ")) + recordedFacts, m_variantBody);
    m_variantLayout->insertWidget(0, m_recordedColumn, 1);
    VariantColumn *first = addVariant();
    first->setModel(request.model);
    if (m_context->providers()->providers().isEmpty())
        showStatus(tr("No provider is set up yet: Manage Providers… adds OpenAI, Anthropic, OpenRouter, "
                      "Groq, a LiteLLM "
                      "proxy, vLLM, Ollama or llama.cpp."));
    else
        showStatus(tr("Edit the request, pick providers and models, then Run All (Ctrl+Enter)."));
    Q_EMIT loaded(true);
}

QList<VariantColumn *> ReplayWindow::variants() const
{
    QList<VariantColumn *> out;
    for (int i = 0; i < m_variantLayout->count(); ++i) {
        auto *column = qobject_cast<VariantColumn *>(m_variantLayout->itemAt(i)->widget());
        if (column && !column->isRecorded())
            out << column;
    }
    return out;
}

QString ReplayWindow::nextLabel() const
{
    QSet<QString> used;
    for (VariantColumn *c : variants())
        used.insert(c->label());
    for (char c = 'A'; c <= 'Z'; ++c) {
        if (!used.contains(QString(QLatin1Char(c))))
            return QString(QLatin1Char(c));
    }
    return QString::number(used.size() + 1);
}

VariantColumn *ReplayWindow::addVariant()
{
    const QList<VariantColumn *> existing = variants();
    auto *column = new VariantColumn(m_context, nextLabel(), m_variantBody);
    if (!existing.isEmpty()) {
        column->setProviderId(existing.last()->providerId());
        column->setModel(existing.last()->model());
    } else if (m_origin) {
        column->setModel(m_origin->model);
    }
    m_variantLayout->addWidget(column, 1);
    // Several variants side by side want the width more than the editor does.
    if (existing.size() == 2) {
        const int total = m_splitter->width();
        m_splitter->setSizes({ total * 30 / 100, total - total * 30 / 100 });
    }
    connect(column, &VariantColumn::runRequested, this, &ReplayWindow::run);
    connect(column, &VariantColumn::finished, this, &ReplayWindow::onFinished);
    connect(column, &VariantColumn::removeRequested, this, &ReplayWindow::removeVariant);
    connect(column, &VariantColumn::providerNotes, m_editor, &RequestEditor::setProviderNotes);
    updateBaselines();
    return column;
}

void ReplayWindow::removeVariant(VariantColumn *column)
{
    if (variants().size() <= 1)
        return;
    column->cancel();
    m_variantLayout->removeWidget(column);
    m_editor->setProviderNotes(column->label(), {});
    column->deleteLater();
    QMetaObject::invokeMethod(this, &ReplayWindow::updateBaselines, Qt::QueuedConnection);
}

void ReplayWindow::run(VariantColumn *column)
{
    if (!m_origin)
        return;
    ReplayRequest request;
    QString error;
    if (!m_editor->request(&request, &error)) {
        showStatus(error, true);
        return;
    }
    request.model = m_origin->model.isEmpty() ? request.model : m_origin->model;
    if (!m_context->providers()->provider(column->providerId())) {
        showStatus(
            tr("Variant %1 has no provider: Manage Providers… sets one up.").arg(column->label()), true);
        return;
    }
    showStatus(QString());
    column->run(request);
}

void ReplayWindow::runAll()
{
    for (VariantColumn *column : variants()) {
        if (!column->isRunning())
            run(column);
    }
}

void ReplayWindow::onFinished(VariantColumn *column)
{
    updateBaselines();
    Q_EMIT replayFinished(column);
    const ReplayResult &result = column->result();
    if (!result.ok && !result.error.isEmpty() && !result.cancelled)
        showStatus(tr("Variant %1: %2").arg(column->label(), result.error), true);
    if (!m_origin || result.cancelled || column->sentBody().isEmpty())
        return;
    ReplayRecord record;
    record.origin = *m_origin;
    record.request = column->sentRequest();
    record.sentBody = column->sentBody();
    record.result = result;
    record.providerName
        = m_context->providers()->provider(column->providerId()).value_or(ProviderConfig()).name;
    record.variant = column->label();
    record.cost = column->cost();
    record.costSource = column->costSource();
    record.traceId = QStringLiteral("replay-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString target = m_sendTo->currentData().toString();
    if (!target.isEmpty()) {
        m_context->sendToLangfuse(
            target, { record }, this, [this, label = column->label()](bool ok, const QString &message) {
                showStatus(tr("Variant %1 → Langfuse: %2").arg(label, message), !ok);
            });
    }
    if (!m_save->isChecked())
        return;
    QPointer<VariantColumn> guard(column);
    m_context->storeReplay(
        record, this, [this, guard](bool ok, const QString &traceId, const QString &error) {
            if (!ok) {
                showStatus(tr("The replay could not be stored: %1").arg(error), true);
                return;
            }
            if (guard)
                guard->setStoredTraceId(traceId);
            Q_EMIT replayStored(traceId);
        });
}

void ReplayWindow::updateBaselines()
{
    QList<QPair<QString, QString>> baselines;
    if (m_recordedColumn)
        baselines.append({ m_recordedColumn->label(), m_recordedColumn->comparableText() });
    for (VariantColumn *c : variants()) {
        if (c->hasResult())
            baselines.append({ c->label(), c->comparableText() });
    }
    for (VariantColumn *c : variants())
        c->setBaselines(baselines);
}

void ReplayWindow::refreshSendTargets()
{
    const QString current = m_sendTo->currentData().toString();
    m_sendTo->clear();
    m_sendTo->addItem(tr("don't send"), QString());
    if (ConnectionRegistry *registry = m_context->connections()) {
        for (const LangfuseConnection &c : registry->savedConnections())
            m_sendTo->addItem(icons::icon(QStringLiteral("cloud")), c.name, c.id);
    }
    m_sendTo->setCurrentIndex(std::max(0, m_sendTo->findData(current)));
    m_sendTo->setEnabled(m_sendTo->count() > 1);
    m_sendTo->setToolTip(m_sendTo->count() > 1 ? tr("Also send each finished replay to this Langfuse project")
                                               : tr("No Langfuse connection is set up (Connections menu)"));
}

void ReplayWindow::showStatus(const QString &text, bool error)
{
    m_status->setText(text);
    QPalette p = m_status->palette();
    p.setColor(
        QPalette::WindowText, error ? theme::errorColor(palette()) : palette().color(QPalette::WindowText));
    m_status->setPalette(p);
}

void ReplayWindow::closeEvent(QCloseEvent *event)
{
    for (VariantColumn *c : variants())
        c->cancel();
    QWidget::closeEvent(event);
}

} // namespace tg
