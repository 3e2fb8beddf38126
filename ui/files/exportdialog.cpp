#include "exportdialog.h"

#include "exportrunner.h"
#include "store/readerpool.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace tg {

namespace {

constexpr auto kGroup = "export/";

QString key(const char *name)
{
    return QLatin1String(kGroup) + QLatin1String(name);
}

const QList<ExportFormat> &formats()
{
    static const QList<ExportFormat> all { ExportFormat::OtlpJson, ExportFormat::OtlpJsonLines,
        ExportFormat::OtlpProtobuf, ExportFormat::LangfuseJson, ExportFormat::Csv };
    return all;
}

QString formatHint(ExportFormat format)
{
    switch (format) {
    case ExportFormat::OtlpJson:
        return QObject::tr("One OTLP ExportTraceServiceRequest document; opens in Traceglass and other "
                           "OpenTelemetry tools.");
    case ExportFormat::OtlpJsonLines:
        return QObject::tr("One OTLP request per line, as the OpenTelemetry Collector's file exporter "
                           "writes them; good for large exports.");
    case ExportFormat::OtlpProtobuf:
        return QObject::tr("OTLP protobuf requests, each behind its length (the Collector's proto file "
                           "format).");
    case ExportFormat::LangfuseJson:
        return QObject::tr("An array of traces with their observations and scores, shaped as Langfuse's "
                           "API returns them.");
    case ExportFormat::Csv:
        return QObject::tr("The traces table: one row per trace with its totals; no observations.");
    }
    return QString();
}

QString count(qint64 n, const QString &one, const QString &many)
{
    return n == 1 ? one : many.arg(QLocale().toString(n));
}

QString bytesText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace

ExportDialog::ExportDialog(
    std::shared_ptr<ReaderPool> readers, const ExportScopes &scopes, ExportScope initial, QWidget *parent)
    : QDialog(parent)
    , m_readers(std::move(readers))
    , m_scopes(scopes)
    , m_runner(new ExportRunner(this))
    , m_choices(new QWidget(this))
    , m_scopeGroup(new QButtonGroup(this))
    , m_tracesScope(new QRadioButton(this))
    , m_sessionsScope(new QRadioButton(this))
    , m_filteredScope(new QRadioButton(this))
    , m_format(new QComboBox(this))
    , m_formatHint(new QLabel(this))
    , m_dropInputOutput(new QCheckBox(tr("Drop inputs and outputs"), this))
    , m_maskEmails(new QCheckBox(tr("Mask e-mail addresses"), this))
    , m_maskApiKeys(new QCheckBox(tr("Mask API keys and bearer tokens"), this))
    , m_patterns(new QPlainTextEdit(this))
    , m_path(new QLineEdit(this))
    , m_browse(new QPushButton(tr("Browse…"), this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_export(new QPushButton(tr("Export"), this))
    , m_close(new QPushButton(tr("Close"), this))
{
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export Traces"));
    m_tracesScope->setObjectName(QStringLiteral("scopeTraces"));
    m_sessionsScope->setObjectName(QStringLiteral("scopeSessions"));
    m_filteredScope->setObjectName(QStringLiteral("scopeFiltered"));
    m_tracesScope->setText(
        count(scopes.traceRks.size(), tr("The selected trace"), tr("The %1 selected traces")));
    m_sessionsScope->setText(count(scopes.sessions.size(), tr("The traces of the selected session"),
        tr("The traces of the %1 selected sessions")));
    m_filteredScope->setText(scopes.filteredCount >= 0 ? count(scopes.filteredCount,
                                 tr("The filtered list (1 trace)"), tr("The filtered list (%1 traces)"))
                                                       : tr("The filtered list"));
    m_tracesScope->setEnabled(!scopes.traceRks.isEmpty());
    m_sessionsScope->setEnabled(!scopes.sessions.isEmpty());
    m_scopeGroup->addButton(m_tracesScope, int(ExportScope::SelectedTraces));
    m_scopeGroup->addButton(m_sessionsScope, int(ExportScope::SelectedSessions));
    m_scopeGroup->addButton(m_filteredScope, int(ExportScope::FilteredList));
    auto *scopeBox = new QVBoxLayout;
    scopeBox->setSpacing(2);
    for (QRadioButton *button : { m_tracesScope, m_sessionsScope, m_filteredScope })
        scopeBox->addWidget(button);

    m_format->setObjectName(QStringLiteral("formatCombo"));
    for (const ExportFormat format : formats())
        m_format->addItem(exportFormatLabel(format), int(format));
    m_formatHint->setObjectName(QStringLiteral("formatHint"));
    m_formatHint->setWordWrap(true);
    m_formatHint->setForegroundRole(QPalette::PlaceholderText);
    auto *formatBox = new QVBoxLayout;
    formatBox->setSpacing(2);
    formatBox->addWidget(m_format);
    formatBox->addWidget(m_formatHint);

    m_dropInputOutput->setObjectName(QStringLiteral("dropInputOutput"));
    m_maskEmails->setObjectName(QStringLiteral("maskEmails"));
    m_maskApiKeys->setObjectName(QStringLiteral("maskApiKeys"));
    m_patterns->setObjectName(QStringLiteral("customPatterns"));
    m_patterns->setPlaceholderText(tr("e.g. \\bACME-\\d{6}\\b"));
    m_patterns->setTabChangesFocus(true);
    m_patterns->setFixedHeight(m_patterns->fontMetrics().lineSpacing() * 4 + 12);
    auto *redactBox = new QVBoxLayout;
    redactBox->setSpacing(2);
    for (QCheckBox *box : { m_dropInputOutput, m_maskEmails, m_maskApiKeys })
        redactBox->addWidget(box);
    auto *patternsLabel = new QLabel(tr("Mask matches of these regular expressions (one per line):"), this);
    patternsLabel->setBuddy(m_patterns);
    redactBox->addSpacing(4);
    redactBox->addWidget(patternsLabel);
    redactBox->addWidget(m_patterns);

    m_path->setObjectName(QStringLiteral("outputPath"));
    m_browse->setObjectName(QStringLiteral("browseButton"));
    auto *pathBox = new QHBoxLayout;
    pathBox->addWidget(m_path, 1);
    pathBox->addWidget(m_browse);

    auto *form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setVerticalSpacing(12);
    form->addRow(tr("Export:"), scopeBox);
    form->addRow(tr("Format:"), formatBox);
    form->addRow(tr("Redaction:"), redactBox);
    form->addRow(tr("Save to:"), pathBox);

    m_progress->setObjectName(QStringLiteral("exportProgress"));
    m_progress->setRange(0, 1000);
    m_progress->hide();
    m_status->setObjectName(QStringLiteral("exportStatus"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_export->setObjectName(QStringLiteral("exportButton"));
    m_export->setDefault(true);
    m_close->setObjectName(QStringLiteral("closeButton"));
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_export, QDialogButtonBox::AcceptRole);
    buttons->addButton(m_close, QDialogButtonBox::RejectRole);

    m_choices->setLayout(form);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_choices);
    layout->addSpacing(6);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(720);

    // The last choices, and a file name in the last directory.
    const QSettings settings;
    const auto saved = exportFormatFromKey(settings.value(key("format")).toString());
    m_format->setCurrentIndex(
        std::max(0, m_format->findData(int(saved.value_or(ExportFormat::OtlpJsonLines)))));
    m_dropInputOutput->setChecked(settings.value(key("dropInputOutput"), false).toBool());
    m_maskEmails->setChecked(settings.value(key("maskEmails"), false).toBool());
    m_maskApiKeys->setChecked(settings.value(key("maskApiKeys"), false).toBool());
    m_patterns->setPlainText(settings.value(key("customPatterns")).toStringList().join(u'\n'));
    QString directory = settings.value(key("directory")).toString();
    if (directory.isEmpty() || !QFileInfo(directory).isDir())
        directory = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (directory.isEmpty() || !QFileInfo(directory).isDir())
        directory = QDir::homePath();
    m_path->setText(QDir(directory).filePath(QStringLiteral("traces") + exportFormatSuffix(format())));
    onFormatChanged();
    setScope(initial);

    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::onFormatChanged);
    connect(m_browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_close, &QPushButton::clicked, this, &ExportDialog::reject);
    connect(m_runner, &ExportRunner::progressed, this, [this](const ExportProgress &p) {
        m_progress->setValue(p.tracesTotal > 0 ? int(p.tracesDone * 1000 / p.tracesTotal) : 0);
        m_status->setText(tr("%1 of %2 traces · %3 written")
                              .arg(QLocale().toString(p.tracesDone), QLocale().toString(p.tracesTotal),
                                  bytesText(p.bytesWritten)));
    });
    connect(m_runner, &ExportRunner::finished, this, &ExportDialog::onFinished);
}

ExportDialog::~ExportDialog() = default;

void ExportDialog::setScope(ExportScope scope)
{
    QAbstractButton *button = m_scopeGroup->button(int(scope));
    if (!button || !button->isEnabled())
        button = m_tracesScope->isEnabled() ? m_tracesScope
            : m_sessionsScope->isEnabled()  ? m_sessionsScope
                                            : m_filteredScope;
    button->setChecked(true);
}

ExportScope ExportDialog::scope() const
{
    return ExportScope(std::max(0, m_scopeGroup->checkedId()));
}

void ExportDialog::setFormat(ExportFormat format)
{
    m_format->setCurrentIndex(std::max(0, m_format->findData(int(format))));
}

ExportFormat ExportDialog::format() const
{
    return ExportFormat(m_format->currentData().toInt());
}

void ExportDialog::setOutputPath(const QString &path)
{
    m_path->setText(path);
}

QString ExportDialog::outputPath() const
{
    return m_path->text().trimmed();
}

void ExportDialog::setRedaction(const RedactionOptions &redaction)
{
    m_dropInputOutput->setChecked(redaction.dropInputOutput);
    m_maskEmails->setChecked(redaction.maskEmails);
    m_maskApiKeys->setChecked(redaction.maskApiKeys);
    m_patterns->setPlainText(redaction.customPatterns.join(u'\n'));
}

RedactionOptions ExportDialog::redaction() const
{
    RedactionOptions redaction;
    redaction.dropInputOutput = m_dropInputOutput->isChecked();
    redaction.maskEmails = m_maskEmails->isChecked();
    redaction.maskApiKeys = m_maskApiKeys->isChecked();
    for (const QString &line : m_patterns->toPlainText().split(u'\n')) {
        if (!line.trimmed().isEmpty())
            redaction.customPatterns << line.trimmed();
    }
    return redaction;
}

ExportSelection ExportDialog::selection() const
{
    ExportSelection selection;
    switch (scope()) {
    case ExportScope::SelectedTraces:
        selection.traceRks = m_scopes.traceRks;
        break;
    case ExportScope::SelectedSessions:
        selection.sessions = m_scopes.sessions;
        break;
    case ExportScope::FilteredList:
        selection.query = m_scopes.filtered;
        break;
    }
    return selection;
}

ExportOptions ExportDialog::options() const
{
    ExportOptions options;
    options.format = format();
    options.redaction = redaction();
    return options;
}

bool ExportDialog::startExport()
{
    if (m_runner->isRunning())
        return false;
    const ExportOptions exportOptions = options();
    QString error;
    const QString path = outputPath();
    const QFileInfo info(path);
    if (path.isEmpty())
        error = tr("Choose where to save the file.");
    else if (info.isDir())
        error = tr("%1 is a folder; add a file name.").arg(path);
    else if (!info.absoluteDir().exists())
        error = tr("The folder %1 does not exist.").arg(info.absolutePath());
    else if (selection().isEmpty())
        error = tr("Nothing is selected to export.");
    else if (QString patternError; !ExportRedactor(exportOptions.redaction).isValid(&patternError))
        error = tr("A custom pattern is not a valid regular expression: %1").arg(patternError);
    if (!error.isEmpty()) {
        m_status->setText(error);
        return false;
    }
    saveChoices();
    m_runningPath = info.absoluteFilePath();
    m_runner->start(m_readers, selection(), exportOptions, m_runningPath);
    setBusy(true);
    m_progress->setValue(0);
    m_status->setText(tr("Exporting…"));
    return true;
}

bool ExportDialog::isRunning() const
{
    return m_runner->isRunning();
}

QString ExportDialog::statusText() const
{
    return m_status->text();
}

void ExportDialog::reject()
{
    if (m_runner->isRunning()) {
        m_runner->cancel();
        m_status->setText(tr("Cancelling…"));
        return;
    }
    QDialog::reject();
}

void ExportDialog::browse()
{
    const ExportFormat f = format();
    const QString filter = QStringLiteral("%1 (*%2);;%3 (*)")
                               .arg(exportFormatLabel(f), exportFormatSuffix(f), tr("All files"));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Traces"), outputPath(), filter);
    if (!path.isEmpty())
        m_path->setText(path);
}

void ExportDialog::onFormatChanged()
{
    const ExportFormat f = format();
    m_formatHint->setText(formatHint(f));
    // CSV is the table: inputs and outputs are not in it, so dropping them means nothing there.
    m_dropInputOutput->setEnabled(f != ExportFormat::Csv);
    QString path = outputPath();
    for (const ExportFormat other : formats()) {
        const QString suffix = exportFormatSuffix(other);
        if (path.endsWith(suffix, Qt::CaseInsensitive)) {
            path.chop(suffix.size());
            m_path->setText(path + exportFormatSuffix(f));
            return;
        }
    }
}

void ExportDialog::onFinished(const ExportResult &result)
{
    setBusy(false);
    m_progress->setValue(result.ok ? 1000 : m_progress->value());
    const QLocale locale;
    if (result.cancelled) {
        m_status->setText(tr("Cancelled; no file was written."));
    } else if (!result.ok) {
        m_status->setText(tr("The export failed: %1").arg(result.error));
    } else {
        m_status->setText(tr("Exported %1 (%2, %3) to %4 in %5 s.")
                              .arg(count(result.traces, tr("1 trace"), tr("%1 traces")),
                                  count(result.observations, tr("1 observation"), tr("%1 observations")),
                                  bytesText(result.bytes), QDir::toNativeSeparators(m_runningPath),
                                  locale.toString(result.seconds, 'f', 1)));
    }
    Q_EMIT exportFinished(result, m_runningPath);
}

void ExportDialog::setBusy(bool busy)
{
    m_progress->setVisible(busy || m_progress->value() > 0);
    m_export->setEnabled(!busy);
    m_close->setText(busy ? tr("Cancel") : tr("Close"));
    m_choices->setEnabled(!busy);
}

void ExportDialog::saveChoices() const
{
    QSettings settings;
    settings.setValue(key("format"), exportFormatKey(format()));
    settings.setValue(key("dropInputOutput"), m_dropInputOutput->isChecked());
    settings.setValue(key("maskEmails"), m_maskEmails->isChecked());
    settings.setValue(key("maskApiKeys"), m_maskApiKeys->isChecked());
    settings.setValue(key("customPatterns"), redaction().customPatterns);
    settings.setValue(key("directory"), QFileInfo(outputPath()).absolutePath());
}

} // namespace tg
