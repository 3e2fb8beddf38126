#include "batchreplaydialog.h"

#include "icons.h"
#include "itemmodels/backgroundtask.h"
#include "itemmodels/modelroles.h"
#include "replay/batchreplayrunner.h"
#include "replaycontext.h"
#include "store/readerpool.h"
#include "store/storereader.h"
#include "store/tracestore.h"
#include "theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

namespace tg {

BatchReplayDialog::BatchReplayDialog(ReplayContext *context, QList<BatchScope> scopes, QWidget *parent)
    : QDialog(parent)
    , m_context(context)
    , m_scopes(std::move(scopes))
    , m_scope(new QComboBox(this))
    , m_provider(new QComboBox(this))
    , m_model(new QComboBox(this))
    , m_systemMode(new QComboBox(this))
    , m_systemPrompt(new QPlainTextEdit(this))
    , m_setTemperature(new QCheckBox(tr("Temperature"), this))
    , m_temperature(new QDoubleSpinBox(this))
    , m_concurrency(new QSpinBox(this))
    , m_save(new QCheckBox(tr("Save replays under Replays"), this))
    , m_start(new QPushButton(icons::icon(QStringLiteral("replay")), tr("Start"), this))
    , m_cancel(new QPushButton(tr("Cancel Batch"), this))
    , m_progress(new QProgressBar(this))
    , m_totals(new QLabel(this))
    , m_status(new QLabel(this))
    , m_table(new QTableView(this))
{
    setObjectName(QStringLiteral("batchReplayDialog"));
    setWindowTitle(tr("Batch Replay"));
    setAttribute(Qt::WA_DeleteOnClose);
    resize(1280, 760);

    for (const BatchScope &s : std::as_const(m_scopes))
        m_scope->addItem(s.label);
    m_scope->setObjectName(QStringLiteral("batchScope"));
    m_provider->setObjectName(QStringLiteral("batchProvider"));
    for (const ProviderConfig &c : m_context->providers()->providers())
        m_provider->addItem(c.name, c.id);
    m_provider->setCurrentIndex(std::max(0, m_provider->findData(m_context->lastProviderId())));
    m_model->setObjectName(QStringLiteral("batchModel"));
    m_model->setEditable(true);
    m_model->lineEdit()->setPlaceholderText(tr("keep each generation's model"));
    m_model->setCurrentText(QString());
    m_systemMode->addItem(tr("Keep the recorded system prompt"));
    m_systemMode->addItem(tr("Replace it with"));
    m_systemMode->addItem(tr("Append to it"));
    m_systemPrompt->setObjectName(QStringLiteral("batchSystemPrompt"));
    m_systemPrompt->setPlaceholderText(tr("System prompt text"));
    m_systemPrompt->setFixedHeight(m_systemPrompt->fontMetrics().lineSpacing() * 3 + 12);
    m_systemPrompt->setEnabled(false);
    m_temperature->setRange(0.0, 2.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setEnabled(false);
    m_concurrency->setObjectName(QStringLiteral("batchConcurrency"));
    m_concurrency->setRange(1, 16);
    m_concurrency->setValue(4);
    m_concurrency->setToolTip(tr("Requests running at the same time"));
    m_save->setChecked(m_context->storesReplays());
    m_cancel->setEnabled(false);
    m_start->setObjectName(QStringLiteral("batchStart"));
    m_cancel->setObjectName(QStringLiteral("batchCancel"));
    m_progress->setObjectName(QStringLiteral("batchProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_totals->setObjectName(QStringLiteral("batchTotals"));
    m_totals->setWordWrap(true);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    m_table->setObjectName(QStringLiteral("batchTable"));
    m_table->setSortingEnabled(true);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto *temperatureRow = new QHBoxLayout;
    temperatureRow->addWidget(m_setTemperature);
    temperatureRow->addWidget(m_temperature);
    temperatureRow->addStretch(1);
    auto *form = new QFormLayout;
    form->addRow(tr("Replay"), m_scope);
    form->addRow(tr("Provider"), m_provider);
    form->addRow(tr("Model"), m_model);
    form->addRow(tr("System prompt"), m_systemMode);
    form->addRow(QString(), m_systemPrompt);
    auto *options = new QFormLayout;
    options->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    options->addRow(tr("Override"), temperatureRow);
    options->addRow(tr("Concurrency"), m_concurrency);
    options->addRow(QString(), m_save);
    auto *about
        = new QLabel(tr("Every generation of the chosen traces runs again with the provider, the model (or "
                        "its own) and the system prompt change. Each replay is stored as a trace under "
                        "Replays, in the session replay:<trace id>, so it can be browsed and charted later."),
            this);
    about->setWordWrap(true);
    about->setForegroundRole(QPalette::PlaceholderText);
    options->addRow(about);
    auto *formBox = new QWidget(this);
    formBox->setLayout(form);
    formBox->setMaximumWidth(720);
    auto *top = new QHBoxLayout;
    top->addWidget(formBox, 3);
    top->addSpacing(24);
    top->addLayout(options, 2);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_totals);
    layout->addWidget(close);

    connect(m_systemMode, &QComboBox::currentIndexChanged, this,
        [this](int i) { m_systemPrompt->setEnabled(i > 0); });
    connect(m_setTemperature, &QCheckBox::toggled, m_temperature, &QWidget::setEnabled);
    connect(m_start, &QPushButton::clicked, this, &BatchReplayDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &BatchReplayDialog::cancel);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    if (m_provider->count() == 0) {
        m_start->setEnabled(false);
        setStatus(tr("No provider is set up: open a replay window and use Manage Providers…"), true);
    }
}

BatchReplayDialog::~BatchReplayDialog()
{
    if (BatchReplayRunner *runner = m_runner.data())
        runner->cancel();
}

BatchReplayRunner *BatchReplayDialog::runner() const
{
    return m_runner;
}

void BatchReplayDialog::start()
{
    const BatchReplayRunner *running = m_runner.data();
    if (m_starting || (running && running->isRunning()))
        return;
    const int index = m_scope->currentIndex();
    if (index < 0 || index >= m_scopes.size())
        return;
    const BatchScope scope = m_scopes.at(index);
    m_starting = true;
    setBusy(true);
    setStatus(tr("Finding the generations…"));
    m_context->provider(m_provider->currentData().toString(), this,
        [this, scope](ChatProvider *provider, const QString &error) {
            if (!provider) {
                m_starting = false;
                setBusy(false);
                setStatus(error, true);
                return;
            }
            if (!scope.filter) {
                begin(provider, scope.traceRks);
                return;
            }
            std::shared_ptr<ReaderPool> pool = m_context->store()->readerPool();
            TraceQuery query;
            query.filter = *scope.filter;
            QPointer<ChatProvider> guard(provider);
            runInBackground(
                this,
                [pool, query] {
                    QList<qint64> rks;
                    ReaderLease reader = pool->lease();
                    if (reader) {
                        for (const TraceRow &row : reader->traces(query, 0, kMaxFilteredTraces))
                            rks << row.rk;
                    }
                    return rks;
                },
                [this, guard](const QList<qint64> &rks) {
                    if (guard)
                        begin(guard, rks);
                });
        });
}

void BatchReplayDialog::begin(ChatProvider *provider, const QList<qint64> &traceRks)
{
    m_starting = false;
    if (traceRks.isEmpty()) {
        setBusy(false);
        setStatus(tr("There are no traces to replay in that choice."), true);
        return;
    }
    BatchReplayRunner::Options options;
    options.concurrency = m_concurrency->value();
    options.prices = m_context->prices();
    options.storeReplays = m_save->isChecked();
    options.overrides.model = m_model->currentText().trimmed();
    options.overrides.systemMode = ReplayOverrides::SystemPrompt(m_systemMode->currentIndex());
    options.overrides.systemPrompt = m_systemPrompt->toPlainText();
    if (m_setTemperature->isChecked())
        options.overrides.temperature = m_temperature->value();
    if (BatchReplayRunner *old = m_runner.data())
        old->deleteLater();
    m_runner = new BatchReplayRunner(m_context->store(), provider, options, this);
    auto *proxy = new QSortFilterProxyModel(m_runner);
    proxy->setSourceModel(m_runner->model());
    proxy->setSortRole(SortRole);
    m_table->setModel(proxy);
    m_table->setColumnWidth(BatchSummaryModel::TraceColumn, 220);
    m_table->setColumnWidth(BatchSummaryModel::GenerationColumn, 130);
    m_table->setColumnWidth(BatchSummaryModel::ModelColumn, 170);
    m_table->setColumnWidth(BatchSummaryModel::StatusColumn, 90);
    m_table->setColumnWidth(BatchSummaryModel::CostColumn, 140);
    connect(m_runner, &BatchReplayRunner::loaded, this, [this](int generations) {
        m_progress->setRange(0, std::max(1, generations));
        m_progress->setValue(0);
        setStatus(generations == 0
                ? tr("Those traces have no generations.")
                : tr("Replaying %1 generations, %2 at a time…").arg(generations).arg(m_concurrency->value()));
    });
    connect(m_runner, &BatchReplayRunner::progress, this, [this](int done, int total) {
        m_progress->setRange(0, std::max(1, total));
        m_progress->setValue(done);
        m_totals->setText(m_runner->model()->totalsText());
    });
    connect(m_runner, &BatchReplayRunner::loadFailed, this,
        [this](const QString &message) { setStatus(message, true); });
    connect(m_runner, &BatchReplayRunner::replayStored, m_context, &ReplayContext::replayStored);
    connect(m_runner, &BatchReplayRunner::finished, this, [this](bool cancelled) {
        setBusy(false);
        m_totals->setText(m_runner->model()->totalsText());
        setStatus(cancelled ? tr("Cancelled; finished replays are kept.") : tr("Done."));
        Q_EMIT finished(cancelled);
    });
    m_context->setLastProviderId(provider->config().id);
    m_runner->startForTraces(traceRks);
}

void BatchReplayDialog::cancel()
{
    if (BatchReplayRunner *runner = m_runner.data())
        runner->cancel();
}

void BatchReplayDialog::setBusy(bool busy)
{
    m_start->setEnabled(!busy && m_provider->count() > 0);
    m_cancel->setEnabled(busy);
    for (QWidget *w :
        std::initializer_list<QWidget *> { m_scope, m_provider, m_model, m_systemMode, m_concurrency })
        w->setEnabled(!busy);
}

void BatchReplayDialog::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    QPalette p = m_status->palette();
    p.setColor(
        QPalette::WindowText, error ? theme::errorColor(palette()) : palette().color(QPalette::WindowText));
    m_status->setPalette(p);
}

} // namespace tg
