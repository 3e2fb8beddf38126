#pragma once

#include <QDialog>

class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;

namespace tg {

class FileImportQueue;
struct FileImportStatus;

/// The progress of file imports: which file (n of m), a bar over its bytes, bytes read of the
/// size, spans, problems so far and the read rate, and Cancel. Not modal: the window stays usable
/// and shows the traces as they land. Appears only when an import takes longer than a moment.
class FileImportDialog : public QDialog
{
    Q_OBJECT

public:
    explicit FileImportDialog(FileImportQueue *queue, QWidget *parent = nullptr);

    /// How long an import runs before the dialog appears (0: at once).
    void setShowDelay(int ms);
    QString fileText() const;
    QString detailText() const;
    QProgressBar *progressBar() const { return m_bar; }
    QPushButton *cancelButton() const { return m_cancel; }

    /// "312.4 MB of 1.0 GB · 1,204,000 spans · 48.2 MB/s".
    static QString describe(const FileImportStatus &status);

protected:
    void reject() override;

private:
    void showStatus(const FileImportStatus &status);

    FileImportQueue *m_queue;
    QLabel *m_file;
    QProgressBar *m_bar;
    QLabel *m_detail;
    QPushButton *m_cancel;
    QTimer *m_showTimer;
};

} // namespace tg
