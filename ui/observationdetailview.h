#pragma once

#include "domain/rows.h"

#include <QWidget>

class QTextBrowser;

namespace tg {

/// The detail pane of the trace view: what an observation (or the trace itself) carries,
/// with its input, output and metadata pretty-printed.
class ObservationDetailView : public QWidget
{
    Q_OBJECT

public:
    explicit ObservationDetailView(QWidget *parent = nullptr);

    void showObservation(const ObservationDetail &detail, const std::vector<ScoreRow> &scores = {});
    void showTrace(const TraceDetail &detail, const std::vector<ScoreRow> &scores = {});
    void showMessage(const QString &text);
    QString plainText() const;

    /// Longest payload rendered inline; bigger ones are cut with a note.
    static constexpr qsizetype kMaxInlinePayload = 512 * 1024;

private:
    QTextBrowser *m_browser;
};

/// Pretty-prints JSON text (indent 2); non-JSON text is returned as is.
QString prettyJson(const QByteArray &json, qsizetype maxBytes);

} // namespace tg
