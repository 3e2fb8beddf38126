#pragma once

#include "formats/traceexporter.h"

#include <QDialog>

#include <memory>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;

namespace tg {

class ExportRunner;
class ReaderPool;

enum class ExportScope : quint8 { SelectedTraces, SelectedSessions, FilteredList };

/// What the window can offer to export when the dialog opens.
struct ExportScopes
{
    QList<qint64> traceRks; ///< selected in the traces list
    QList<QPair<qint64, QString>> sessions; ///< selected on the sessions page
    TraceQuery filtered; ///< the traces list's applied filter
    qint64 filteredCount = -1; ///< its size when known
};

/// Export traces to a file: which ones (selected traces, selected sessions, the filtered list),
/// the format (OTLP JSON / JSON Lines / protobuf, Langfuse JSON, CSV of the table), redaction
/// (drop inputs and outputs, mask e-mails, API keys, custom patterns) and where to. Runs off the
/// GUI thread with progress and cancel and reports what was written. Choices persist.
class ExportDialog : public QDialog
{
    Q_OBJECT

public:
    ExportDialog(std::shared_ptr<ReaderPool> readers, const ExportScopes &scopes, ExportScope initial,
        QWidget *parent = nullptr);
    ~ExportDialog() override;

    void setScope(ExportScope scope);
    ExportScope scope() const;
    void setFormat(ExportFormat format);
    ExportFormat format() const;
    void setOutputPath(const QString &path);
    QString outputPath() const;
    void setRedaction(const RedactionOptions &redaction);
    RedactionOptions redaction() const;

    ExportSelection selection() const;
    ExportOptions options() const;
    /// What the Export button does: checks the choices, then writes in the background. False
    /// (and the reason in statusText()) when something is missing or wrong.
    bool startExport();
    bool isRunning() const;
    QString statusText() const;
    QPushButton *exportButton() const { return m_export; }
    ExportRunner *runner() const { return m_runner; }

Q_SIGNALS:
    void exportFinished(const tg::ExportResult &result, const QString &path);

protected:
    void reject() override;

private:
    void browse();
    void onFormatChanged();
    void onFinished(const ExportResult &result);
    void setBusy(bool busy);
    void saveChoices() const;

    std::shared_ptr<ReaderPool> m_readers;
    ExportScopes m_scopes;
    ExportRunner *m_runner;
    QWidget *m_choices;
    QButtonGroup *m_scopeGroup;
    QRadioButton *m_tracesScope;
    QRadioButton *m_sessionsScope;
    QRadioButton *m_filteredScope;
    QComboBox *m_format;
    QLabel *m_formatHint;
    QCheckBox *m_dropInputOutput;
    QCheckBox *m_maskEmails;
    QCheckBox *m_maskApiKeys;
    QPlainTextEdit *m_patterns;
    QLineEdit *m_path;
    QPushButton *m_browse;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPushButton *m_export;
    QPushButton *m_close;
    QString m_runningPath;
};

} // namespace tg
