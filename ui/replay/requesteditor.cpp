#include "requesteditor.h"

#include "icons.h"
#include "messagelisteditor.h"
#include "parameterform.h"
#include "plural.h"

#include <QFontDatabase>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace tg {

namespace {

QString severityIcon(FidelityNote::Severity severity)
{
    switch (severity) {
    case FidelityNote::Severity::Info:
        return QStringLiteral("info");
    case FidelityNote::Severity::Warning:
        return QStringLiteral("warning");
    case FidelityNote::Severity::Lost:
        return QStringLiteral("error");
    }
    return {};
}

} // namespace

RequestEditor::RequestEditor(QWidget *parent)
    : QWidget(parent)
    , m_tabs(new QTabWidget(this))
    , m_messages(new MessageListEditor(this))
    , m_tools(new QPlainTextEdit(this))
    , m_parameters(new ParameterForm(this))
    , m_fidelityTitle(new QLabel(this))
    , m_fidelity(new QListWidget(this))
{
    setObjectName(QStringLiteral("requestEditor"));
    m_tabs->setObjectName(QStringLiteral("requestTabs"));
    m_tabs->setDocumentMode(true);
    m_tools->setObjectName(QStringLiteral("toolsJson"));
    m_tools->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tools->setPlaceholderText(
        tr("Tool definitions as JSON:\n[{\"name\": \"lookup_order\", \"description\": \"...\", "
           "\"parameters\": {\"type\": \"object\", \"properties\": {...}}}]"));
    auto *parametersPage = new QWidget(this);
    auto *parametersLayout = new QVBoxLayout(parametersPage);
    parametersLayout->addWidget(m_parameters);
    parametersLayout->addStretch(1);
    m_tabs->addTab(m_messages, icons::icon(QStringLiteral("chat")), tr("Messages"));
    m_tabs->addTab(m_tools, icons::icon(QStringLiteral("json")), tr("Tools"));
    m_tabs->addTab(parametersPage, icons::icon(QStringLiteral("details")), tr("Parameters"));

    m_fidelity->setObjectName(QStringLiteral("fidelityReport"));
    m_fidelity->setWordWrap(true);
    m_fidelity->setTextElideMode(Qt::ElideNone);
    m_fidelity->setSelectionMode(QAbstractItemView::NoSelection);
    m_fidelity->setFocusPolicy(Qt::NoFocus);
    m_fidelityTitle->setObjectName(QStringLiteral("fidelityTitle"));
    m_fidelityTitle->setTextFormat(Qt::RichText);
    auto *report = new QWidget(this);
    auto *reportLayout = new QVBoxLayout(report);
    reportLayout->setContentsMargins(6, 4, 6, 0);
    reportLayout->setSpacing(2);
    reportLayout->addWidget(m_fidelityTitle);
    reportLayout->addWidget(m_fidelity, 1);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("requestSplitter"));
    split->addWidget(m_tabs);
    split->addWidget(report);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setSizes({ 560, 170 });
    split->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    connect(m_messages, &MessageListEditor::changed, this, [this] {
        updateTabTitles();
        Q_EMIT changed();
    });
    connect(m_tools, &QPlainTextEdit::textChanged, this, [this] {
        updateTabTitles();
        Q_EMIT changed();
    });
    connect(m_parameters, &ParameterForm::changed, this, &RequestEditor::changed);
    renderFidelity();
}

void RequestEditor::setRequest(const ReplayRequest &request)
{
    m_format = request.sourceFormat;
    m_notes = request.fidelity;
    m_providerNotes.clear();
    m_messages->setMessages(request.messages);
    m_tools->setPlainText(
        request.tools.empty() ? QString() : QString::fromUtf8(replayToolsToJson(request.tools)).trimmed());
    m_parameters->setParameters(request.parameters);
    renderFidelity();
    updateTabTitles();
}

bool RequestEditor::request(ReplayRequest *out, QString *error) const
{
    ReplayRequest r;
    if (!m_messages->messages(&r.messages, error))
        return false;
    QString toolsError;
    if (!replayToolsFromJson(m_tools->toPlainText().toUtf8(), &r.tools, &toolsError)) {
        *error = tr("Tools: %1.").arg(toolsError);
        return false;
    }
    if (!m_parameters->parameters(&r.parameters, error))
        return false;
    r.fidelity = m_notes;
    r.sourceFormat = m_format;
    *out = std::move(r);
    return true;
}

void RequestEditor::setProviderNotes(const QString &label, const std::vector<FidelityNote> &notes)
{
    std::erase_if(m_providerNotes, [&label](const auto &entry) { return entry.first == label; });
    if (!notes.empty())
        m_providerNotes.emplace_back(label, notes);
    renderFidelity();
}

void RequestEditor::renderFidelity()
{
    m_fidelity->clear();
    int count = 0;
    const auto add = [&](const FidelityNote &n, const QString &prefix) {
        auto *item = new QListWidgetItem(icons::icon(severityIcon(n.severity)), prefix + n.text, m_fidelity);
        item->setToolTip(fidelitySeverityName(n.severity));
        ++count;
    };
    for (const FidelityNote &n : m_notes)
        add(n, QString());
    for (const auto &[label, notes] : m_providerNotes) {
        for (const FidelityNote &n : notes)
            add(n, label + QStringLiteral(": "));
    }
    int lost = 0;
    for (const FidelityNote &n : m_notes)
        lost += n.severity == FidelityNote::Severity::Lost ? 1 : 0;
    QString title = tr("<b>Fidelity report</b>");
    if (count == 0)
        title += QStringLiteral(" · ") + tr("everything was carried over");
    else
        title += QStringLiteral(" · ") + plural(count, tr("1 note"), tr("%1 notes"))
            + (lost > 0 ? QStringLiteral(" · ") + plural(lost, tr("1 thing lost"), tr("%1 things lost"))
                        : QString());
    m_fidelityTitle->setText(title);
}

void RequestEditor::updateTabTitles()
{
    const int messages = int(m_messages->cards().size());
    m_tabs->setTabText(0, tr("Messages (%1)").arg(messages));
    std::vector<ReplayTool> tools;
    QString error;
    const bool ok = replayToolsFromJson(m_tools->toPlainText().toUtf8(), &tools, &error);
    m_tabs->setTabText(1, ok ? tr("Tools (%1)").arg(tools.size()) : tr("Tools (invalid JSON)"));
}

} // namespace tg
