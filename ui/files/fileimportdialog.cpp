#include "fileimportdialog.h"

#include "fileimportqueue.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace tg {

namespace {

QString bytesText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace

FileImportDialog::FileImportDialog(FileImportQueue *queue, QWidget *parent)
    : QDialog(parent)
    , m_queue(queue)
    , m_file(new QLabel(this))
    , m_bar(new QProgressBar(this))
    , m_detail(new QLabel(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_showTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("fileImportDialog"));
    setWindowTitle(tr("Opening Trace Files"));
    setModal(false);
    m_file->setObjectName(QStringLiteral("importFileLabel"));
    m_file->setTextFormat(Qt::PlainText);
    m_file->setMinimumWidth(460);
    QFont bold = m_file->font();
    bold.setBold(true);
    m_file->setFont(bold);
    m_bar->setObjectName(QStringLiteral("importProgressBar"));
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(true);
    m_detail->setObjectName(QStringLiteral("importDetailLabel"));
    m_detail->setTextFormat(Qt::PlainText);
    m_cancel->setObjectName(QStringLiteral("importCancelButton"));
    m_cancel->setToolTip(tr("Stop reading; a file opened for the first time is taken out again"));

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_cancel, QDialogButtonBox::RejectRole);
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(8);
    layout->addWidget(m_file);
    layout->addWidget(m_bar);
    layout->addWidget(m_detail);
    layout->addWidget(buttons);

    m_showTimer->setSingleShot(true);
    m_showTimer->setInterval(400);
    connect(m_showTimer, &QTimer::timeout, this, [this] {
        if (m_queue->isBusy())
            show();
    });
    connect(m_cancel, &QPushButton::clicked, this, &FileImportDialog::reject);
    connect(queue, &FileImportQueue::fileStarted, this, [this](const FileImportStatus &status) {
        m_cancel->setEnabled(true);
        showStatus(status);
        if (!isVisible() && !m_showTimer->isActive())
            m_showTimer->start();
    });
    connect(queue, &FileImportQueue::progressed, this, &FileImportDialog::showStatus);
    connect(queue, &FileImportQueue::finished, this, [this] {
        m_showTimer->stop();
        hide();
    });
}

void FileImportDialog::setShowDelay(int ms)
{
    m_showTimer->setInterval(std::max(0, ms));
}

QString FileImportDialog::fileText() const
{
    return m_file->text();
}

QString FileImportDialog::detailText() const
{
    return m_detail->text();
}

QString FileImportDialog::describe(const FileImportStatus &status)
{
    const QLocale locale;
    const TraceFileImportProgress &p = status.progress;
    QStringList parts;
    if (p.decompressing) {
        parts << (p.fileSize > 0
                ? tr("Decompressing %1 of %2").arg(bytesText(p.bytesRead), bytesText(p.fileSize))
                : tr("Decompressing %1").arg(bytesText(p.bytesRead)));
        if (status.bytesPerSecond > 0)
            parts << tr("%1/s").arg(bytesText(qint64(status.bytesPerSecond)));
        return parts.join(QStringLiteral(" · "));
    }
    parts << (p.fileSize > 0 ? tr("%1 of %2").arg(bytesText(p.bytesRead), bytesText(p.fileSize))
                             : bytesText(p.bytesRead));
    parts << (p.spans == 1 ? tr("1 span") : tr("%1 spans").arg(locale.toString(p.spans)));
    if (p.problems > 0)
        parts << (p.problems == 1 ? tr("1 problem") : tr("%1 problems").arg(locale.toString(p.problems)));
    if (status.bytesPerSecond > 0)
        parts << tr("%1/s").arg(bytesText(qint64(status.bytesPerSecond)));
    return parts.join(QStringLiteral(" · "));
}

void FileImportDialog::showStatus(const FileImportStatus &status)
{
    const QString name = QFileInfo(status.path).fileName();
    m_file->setText(status.total > 1
            ? tr("Reading %1 (file %2 of %3)").arg(name).arg(status.index).arg(status.total)
            : tr("Reading %1").arg(name));
    m_file->setToolTip(status.path);
    const TraceFileImportProgress &p = status.progress;
    m_bar->setValue(p.fileSize > 0 ? int(std::min<qint64>(1000, p.bytesRead * 1000 / p.fileSize)) : 0);
    m_detail->setText(describe(status));
}

void FileImportDialog::reject()
{
    if (!m_queue->isBusy()) {
        QDialog::reject();
        return;
    }
    // The dialog stays until the worker has stopped (and cleaned up) so nothing looks finished early.
    m_queue->cancelAll();
    m_cancel->setEnabled(false);
    m_detail->setText(tr("Cancelling…"));
}

} // namespace tg
