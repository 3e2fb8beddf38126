#include "variantcolumn.h"

#include "icons.h"
#include "itemmodels/backgroundtask.h"
#include "providers/chatprovider.h"
#include "replaycontext.h"
#include "replayhtml.h"
#include "theme.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

namespace tg {

namespace {

QLabel *smallLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

} // namespace

VariantColumn::VariantColumn(ReplayContext *context, const QString &label, QWidget *parent)
    : QFrame(parent)
    , m_context(context)
    , m_label(label)
{
    build(false);
}

VariantColumn *VariantColumn::recorded(
    ReplayContext *context, const QString &text, const QString &facts, QWidget *parent)
{
    auto *column = new VariantColumn(context, tr("Recorded"), parent);
    column->m_recorded = true;
    column->m_recordedText = text;
    column->m_hasResult = true;
    column->m_provider->hide();
    column->m_model->hide();
    column->m_fetch->hide();
    column->m_runButton->hide();
    column->m_remove->hide();
    column->m_diff->parentWidget()->hide();
    column->m_title->setText(tr("Recorded output"));
    column->m_facts->setText(facts);
    column->m_output->setHtml(
        text.isEmpty() ? tr("<i>No output was recorded.</i>") : replayhtml::textHtml(text));
    column->setObjectName(QStringLiteral("recordedColumn"));
    return column;
}

void VariantColumn::build(bool)
{
    setObjectName(QStringLiteral("variant") + m_label);
    setFrameShape(QFrame::StyledPanel);
    setMinimumWidth(240);
    m_title = new QLabel(tr("Variant %1").arg(m_label), this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_provider = new QComboBox(this);
    m_provider->setObjectName(QStringLiteral("variantProvider"));
    m_provider->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_provider->setMinimumContentsLength(10);
    m_model = new QComboBox(this);
    m_model->setObjectName(QStringLiteral("variantModel"));
    m_model->setEditable(true);
    m_model->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_model->setMinimumContentsLength(14);
    m_model->setToolTip(tr("The model to run; type any name or fetch the provider's list"));
    m_fetch = new QToolButton(this);
    m_fetch->setIcon(icons::icon(QStringLiteral("refresh")));
    m_fetch->setToolTip(tr("Fetch the provider's models"));
    m_fetch->setAutoRaise(true);
    m_runButton = new QPushButton(icons::icon(QStringLiteral("replay")), tr("Run"), this);
    m_runButton->setObjectName(QStringLiteral("variantRun"));
    m_remove = new QToolButton(this);
    m_remove->setIcon(icons::icon(QStringLiteral("close")));
    m_remove->setToolTip(tr("Remove this variant"));
    m_remove->setAutoRaise(true);
    m_facts = smallLabel(this);
    m_facts->setObjectName(QStringLiteral("variantFacts"));
    m_output = new QTextBrowser(this);
    m_output->setObjectName(QStringLiteral("variantOutput"));
    m_output->setOpenLinks(false);
    m_baseline = new QComboBox(this);
    m_baseline->setObjectName(QStringLiteral("variantBaseline"));
    m_diffSummary = smallLabel(this);
    m_diff = new QTextBrowser(this);
    m_diff->setObjectName(QStringLiteral("variantDiff"));

    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(m_title);
    titleRow->addStretch(1);
    titleRow->addWidget(m_runButton);
    titleRow->addWidget(m_remove);
    // Provider and model each get the column's width: columns are narrow when several run.
    auto *pickRow = new QHBoxLayout;
    pickRow->addWidget(m_model, 1);
    pickRow->addWidget(m_fetch);
    auto *diffHeader = new QWidget(this);
    auto *diffRow = new QHBoxLayout(diffHeader);
    diffRow->setContentsMargins(0, 0, 0, 0);
    diffRow->addWidget(new QLabel(tr("Diff against"), diffHeader));
    diffRow->addWidget(m_baseline, 1);
    auto *diffBox = new QWidget(this);
    auto *diffLayout = new QVBoxLayout(diffBox);
    diffLayout->setContentsMargins(0, 0, 0, 0);
    diffLayout->setSpacing(3);
    diffLayout->addWidget(diffHeader);
    diffLayout->addWidget(m_diffSummary);
    diffLayout->addWidget(m_diff, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_output);
    split->addWidget(diffBox);
    split->setChildrenCollapsible(false);
    split->setSizes({ 300, 300 });

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 8);
    layout->setSpacing(4);
    layout->addLayout(titleRow);
    layout->addWidget(m_provider);
    layout->addLayout(pickRow);
    layout->addWidget(m_facts);
    layout->addWidget(split, 1);

    connect(m_runButton, &QPushButton::clicked, this, [this] {
        if (m_running)
            cancel();
        else
            Q_EMIT runRequested(this);
    });
    connect(m_remove, &QToolButton::clicked, this, [this] { Q_EMIT removeRequested(this); });
    connect(m_fetch, &QToolButton::clicked, this, &VariantColumn::fetchModels);
    connect(m_baseline, &QComboBox::currentIndexChanged, this, &VariantColumn::updateDiff);
    connect(m_provider, &QComboBox::currentIndexChanged, this, [this] {
        const std::optional<ProviderConfig> config = m_context->providers()->provider(providerId());
        if (!config)
            return;
        m_context->setLastProviderId(config->id);
        // Offer the provider's default model; take it when no model is chosen yet.
        if (!config->defaultModel.isEmpty() && m_model->findText(config->defaultModel) < 0)
            m_model->addItem(config->defaultModel);
        if (model().isEmpty())
            setModel(config->defaultModel);
    });
    refreshProviders();
    m_facts->setText(tr("Not run yet."));
}

QString VariantColumn::providerId() const
{
    return m_provider->currentData().toString();
}

void VariantColumn::setProviderId(const QString &id)
{
    const int index = m_provider->findData(id);
    if (index >= 0)
        m_provider->setCurrentIndex(index);
}

QString VariantColumn::model() const
{
    return m_model->currentText().trimmed();
}

void VariantColumn::setModel(const QString &model)
{
    m_model->setCurrentText(model);
}

void VariantColumn::refreshProviders()
{
    const QString current = providerId();
    const QSignalBlocker blocker(m_provider);
    m_provider->clear();
    for (const ProviderConfig &c : m_context->providers()->providers())
        m_provider->addItem(c.name, c.id);
    if (m_provider->count() == 0)
        m_provider->addItem(tr("no provider yet"), QString());
    const int keep = m_provider->findData(current.isEmpty() ? m_context->lastProviderId() : current);
    m_provider->setCurrentIndex(std::max(0, keep));
}

void VariantColumn::run(const ReplayRequest &request)
{
    if (m_running || m_recorded)
        return;
    m_request = request;
    if (!model().isEmpty())
        m_request.model = model();
    else
        setModel(m_request.model);
    const QString invalid = m_request.validate();
    m_output->clear();
    m_diff->clear();
    m_diffSummary->clear();
    m_hasResult = false;
    m_storedTraceId.clear();
    if (!invalid.isEmpty()) {
        fail(invalid);
        return;
    }
    setRunning(true);
    m_facts->setText(tr("Connecting…"));
    m_context->provider(providerId(), this, [this](ChatProvider *provider, const QString &error) {
        if (!m_running)
            return; // cancelled while the key was read
        if (!provider)
            fail(error);
        else
            start(provider);
    });
}

void VariantColumn::start(ChatProvider *provider)
{
    ChatRun *run = provider->start(m_request, provider->defaultOptions(), this);
    m_run = run;
    m_body = run->requestBody();
    Q_EMIT providerNotes(m_label, run->notes());
    m_facts->setText(tr("Waiting for %1…").arg(provider->config().name));
    connect(run, &ChatRun::textDelta, this, [this](const QString &text) {
        QScrollBar *bar = m_output->verticalScrollBar();
        const bool atEnd = bar->value() >= bar->maximum() - 4;
        QTextCursor cursor = m_output->textCursor();
        cursor.movePosition(QTextCursor::End);
        cursor.insertText(text);
        if (atEnd)
            bar->setValue(bar->maximum());
        m_facts->setText(tr("Streaming… %1 characters").arg(m_run ? m_run->result().text.size() : 0));
    });
    connect(run, &ChatRun::toolCallsChanged, this, [this] {
        if (m_run)
            m_facts->setText(
                tr("Streaming… %n tool call(s)", nullptr, int(m_run->result().toolCalls.size())));
    });
    connect(run, &ChatRun::finished, this, [this, run](const ReplayResult &result) {
        run->deleteLater();
        finish(result);
    });
}

void VariantColumn::cancel()
{
    if (m_run)
        m_run->cancel();
    else if (m_running)
        fail(tr("Cancelled."));
}

void VariantColumn::fail(const QString &error)
{
    ReplayResult r;
    r.error = error;
    r.cancelled = error == tr("Cancelled.");
    finish(r);
}

void VariantColumn::finish(const ReplayResult &result)
{
    setRunning(false);
    m_result = result;
    m_hasResult = result.ok || !result.text.isEmpty() || !result.toolCalls.empty();
    const QString model = result.model.isEmpty() ? m_request.model : result.model;
    m_cost = replayCost(result, model, m_context->prices(), &m_costSource);
    renderOutput();
    updateDiff();
    Q_EMIT finished(this);
}

void VariantColumn::renderOutput()
{
    QString facts = replayhtml::facts(
        m_result.finishReason, m_result.usage, m_result.latencyMs, m_result.ttftMs, m_cost, m_costSource);
    if (!m_result.model.isEmpty() && m_result.model != m_request.model)
        facts = m_result.model + QStringLiteral(" · ") + facts;
    if (!m_result.ok && !m_result.error.isEmpty())
        facts = m_result.cancelled ? tr("Cancelled") + QStringLiteral(" · ") + facts : tr("Failed");
    if (!m_storedTraceId.isEmpty())
        facts += QStringLiteral(" · ") + tr("saved");
    m_facts->setText(facts);
    m_facts->setToolTip(
        m_storedTraceId.isEmpty() ? QString() : tr("Stored as trace %1 under Replays").arg(m_storedTraceId));
    m_output->setHtml(replayhtml::outputHtml(m_result, palette()));
}

void VariantColumn::setStoredTraceId(const QString &traceId)
{
    m_storedTraceId = traceId;
    if (!m_running && (m_hasResult || !m_result.error.isEmpty()))
        renderOutput();
}

QString VariantColumn::comparableText() const
{
    return m_recorded ? m_recordedText : m_result.comparableText();
}

void VariantColumn::setRunning(bool running)
{
    m_running = running;
    m_runButton->setText(running ? tr("Cancel") : tr("Run"));
    m_runButton->setIcon(icons::icon(running ? QStringLiteral("close") : QStringLiteral("replay")));
    m_provider->setEnabled(!running);
    m_model->setEnabled(!running);
    m_fetch->setEnabled(!running);
}

void VariantColumn::fetchModels()
{
    m_fetch->setEnabled(false);
    m_context->provider(providerId(), this, [this](ChatProvider *provider, const QString &error) {
        if (!provider) {
            m_fetch->setEnabled(true);
            m_facts->setText(error);
            return;
        }
        provider->fetchModels(this, [this](const QStringList &models, const QString &fetchError) {
            m_fetch->setEnabled(!m_running);
            if (!fetchError.isEmpty()) {
                m_facts->setText(fetchError);
                return;
            }
            const QString current = model();
            m_model->clear();
            m_model->addItems(models);
            m_model->setCurrentText(current);
            m_facts->setText(tr("%n model(s) listed.", nullptr, int(models.size())));
        });
    });
}

void VariantColumn::setBaselines(const QList<QPair<QString, QString>> &baselines)
{
    m_baselines = baselines;
    const QString current = baseline();
    const QSignalBlocker blocker(m_baseline);
    m_baseline->clear();
    for (const auto &[label, text] : baselines) {
        if (label == m_label)
            continue;
        m_baseline->addItem(
            label == tr("Recorded") ? tr("Recorded output") : tr("Variant %1").arg(label), label);
    }
    const int keep = m_baseline->findData(current);
    m_baseline->setCurrentIndex(std::max(0, keep));
    updateDiff();
}

QString VariantColumn::baseline() const
{
    return m_baseline->currentData().toString();
}

void VariantColumn::setBaseline(const QString &label)
{
    const int index = m_baseline->findData(label);
    if (index >= 0)
        m_baseline->setCurrentIndex(index);
}

void VariantColumn::updateDiff()
{
    if (m_recorded)
        return;
    const quint64 generation = ++m_diffGeneration;
    QString before;
    bool found = false;
    for (const auto &[label, text] : std::as_const(m_baselines)) {
        if (label == baseline()) {
            before = text;
            found = true;
        }
    }
    if (!m_hasResult || !found) {
        m_diff->clear();
        m_diffSummary->setText(m_hasResult ? tr("Nothing to compare with yet.") : QString());
        return;
    }
    // Leading and trailing whitespace is noise (streams often end in a newline).
    const QString after = comparableText().trimmed();
    before = before.trimmed();
    runInBackground(
        this, [before, after] { return diffWords(before, after); },
        [this, generation](const WordDiff &diff) {
            if (generation != m_diffGeneration)
                return;
            m_diffSummary->setText(replayhtml::diffSummary(diff));
            m_diff->setHtml(replayhtml::diffHtml(diff, palette()));
        });
}

void VariantColumn::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_recorded && !m_running && m_hasResult) {
        renderOutput();
        updateDiff();
    }
}

} // namespace tg
