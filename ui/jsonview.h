#pragma once

#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QStackedWidget;
class QToolButton;
class QTreeView;

namespace tg {

class FlatJson;
class JsonTreeModel;

/// The raw JSON view of one payload: a lazy tree (JsonTreeModel) with search over keys and values
/// (next/previous match, the tree opens to each), copy path or value, and a plain-text fallback for
/// payloads that are not JSON. Multi-MB payloads stay responsive: the document is parsed off the
/// GUI thread by the caller and children are built only when opened.
class JsonView : public QWidget
{
    Q_OBJECT

public:
    explicit JsonView(QWidget *parent = nullptr);

    /// Shows a parsed document; with a null document `raw` is shown as text (not JSON).
    void setDocument(std::shared_ptr<const FlatJson> document, const QByteArray &raw = {});
    void showMessage(const QString &text);

    JsonTreeModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    QLineEdit *searchEdit() const { return m_search; }

    /// Finds `text`, opens the tree to the first match and returns the number of matches.
    int search(const QString &text);
    void nextMatch();
    void previousMatch();
    int matchCount() const { return static_cast<int>(m_matches.size()); }
    int currentMatch() const { return m_current; }
    void focusSearch();
    /// The JSONPath / full value of the current row (also put on the clipboard by the actions).
    QString currentPath() const;
    QString currentValue() const;
    void copyPath();
    void copyValue();

Q_SIGNALS:
    /// A short message for the status bar ("Copied $.messages[0].content").
    void statusMessage(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void showMatch(int which);
    void updateMatchLabel();
    void showContextMenu(const QPoint &pos);

    JsonTreeModel *m_model;
    QLineEdit *m_search;
    QLabel *m_matchLabel;
    QToolButton *m_previous;
    QToolButton *m_next;
    QStackedWidget *m_stack;
    QTreeView *m_view;
    QPlainTextEdit *m_text;
    QLabel *m_message;
    std::vector<quint32> m_matches;
    bool m_truncated = false;
    int m_current = -1;
};

} // namespace tg
