#include "fileproblemsdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tg {

namespace {

QString keptText(const TraceFileImportResult &r)
{
    const QLocale locale;
    const QString spans = r.spans - r.rejected == 1
        ? QObject::tr("1 span")
        : QObject::tr("%1 spans").arg(locale.toString(r.spans - r.rejected));
    return QObject::tr("%1 in %2 trace records").arg(spans, locale.toString(r.traces));
}

QString fileHeading(const FileImportOutcome &outcome)
{
    const TraceFileImportResult &r = outcome.result;
    const QString name = QFileInfo(r.path).fileName();
    const QLocale locale;
    if (r.cancelled)
        return outcome.sourceRemoved
            ? QObject::tr("%1: cancelled; nothing of it was kept.").arg(name)
            : QObject::tr("%1: cancelled; what was read is kept (%2).").arg(name, keptText(r));
    if (!r.ok || (r.traces == 0 && r.observations == 0 && r.scores == 0)) {
        const QString why = r.error.isEmpty() ? QObject::tr("nothing in it could be used") : r.error;
        return QObject::tr("%1 could not be opened: %2.").arg(name, why);
    }
    const QString problems = r.problemCount == 1
        ? QObject::tr("1 problem")
        : QObject::tr("%1 problems").arg(locale.toString(r.problemCount));
    return QObject::tr("%1 (%2) had %3. The good part of the file is shown: %4.")
        .arg(name, traceFileFormatName(r.format), problems, keptText(r));
}

} // namespace

FileProblemsDialog::FileProblemsDialog(const QList<FileImportOutcome> &outcomes, QWidget *parent)
    : QDialog(parent)
    , m_heading(new QLabel(this))
    , m_list(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("fileProblemsDialog"));
    setWindowTitle(tr("Problems in Trace Files"));
    m_heading->setObjectName(QStringLiteral("problemsHeading"));
    m_heading->setWordWrap(true);
    m_heading->setTextFormat(Qt::PlainText);
    m_heading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_list->setObjectName(QStringLiteral("problemsList"));
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({ tr("Where"), tr("Problem") });
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    m_list->setWordWrap(true);
    m_list->header()->setStretchLastSection(true);
    m_list->setColumnWidth(0, 210);

    QStringList headings;
    for (const FileImportOutcome &outcome : outcomes) {
        if (!hasProblems(outcome))
            continue;
        headings << fileHeading(outcome);
        const TraceFileImportResult &r = outcome.result;
        const QString name = QFileInfo(r.path).fileName();
        for (const FileProblem &problem : r.problems) {
            auto *item = new QTreeWidgetItem(m_list, { location(problem), problem.message });
            item->setToolTip(0, r.path);
            item->setToolTip(1, problem.message);
            if (outcomes.size() > 1)
                item->setText(0, name + QStringLiteral(", ") + location(problem));
        }
        if (r.problemCount > qint64(r.problems.size())) {
            auto *more = new QTreeWidgetItem(m_list,
                { QString(),
                    tr("… and %1 more")
                        .arg(QLocale().toString(r.problemCount - qint64(r.problems.size()))) });
            more->setDisabled(true);
        }
    }
    m_heading->setText(headings.join(u'\n'));
    m_list->setHidden(m_list->topLevelItemCount() == 0);
    if (m_list->topLevelItemCount() > 0 && m_list->topLevelItem(0)->text(0).size() > 28)
        m_list->resizeColumnToContents(0);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyProblemsButton"));
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(text()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    const int rows = m_list->topLevelItemCount();
    resize(rows > 0 ? QSize(760, std::clamp(150 + rows * 24, 240, 440)) : QSize(560, 150));
}

QString FileProblemsDialog::text() const
{
    QStringList lines { m_heading->text() };
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_list->topLevelItem(i);
        lines << (item->text(0).isEmpty() ? item->text(1)
                                          : item->text(0) + QStringLiteral(": ") + item->text(1));
    }
    return lines.join(u'\n');
}

bool FileProblemsDialog::hasProblems(const FileImportOutcome &outcome)
{
    const TraceFileImportResult &r = outcome.result;
    return r.problemCount > 0 || !r.ok
        || (r.traces == 0 && r.observations == 0 && r.scores == 0 && !r.cancelled);
}

QString FileProblemsDialog::location(const FileProblem &problem)
{
    const QLocale locale;
    if (problem.line > 0)
        return problem.column > 0
            ? tr("line %1, column %2").arg(locale.toString(problem.line), locale.toString(problem.column))
            : tr("line %1").arg(locale.toString(problem.line));
    if (problem.offset >= 0)
        return tr("byte %1").arg(locale.toString(problem.offset));
    return tr("file");
}

} // namespace tg
