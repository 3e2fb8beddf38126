#pragma once

#include "fileimportqueue.h"

#include <QDialog>

class QLabel;
class QTreeWidget;

namespace tg {

/// What went wrong reading trace files: per file, each problem with its place ("line 1,204,
/// column 7" or "byte 38,112") and message, and what was kept ("the good part is shown: 1,204
/// spans in 40 traces"). Also says when a file could not be read at all.
class FileProblemsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit FileProblemsDialog(const QList<FileImportOutcome> &outcomes, QWidget *parent = nullptr);

    /// The heading and every problem as plain text (what Copy puts on the clipboard).
    QString text() const;
    QTreeWidget *list() const { return m_list; }

    /// True when an outcome deserves this dialog (problems, or a file that failed).
    static bool hasProblems(const FileImportOutcome &outcome);
    /// "line 1,204, column 7" / "byte 38,112".
    static QString location(const FileProblem &problem);

private:
    QLabel *m_heading;
    QTreeWidget *m_list;
};

} // namespace tg
