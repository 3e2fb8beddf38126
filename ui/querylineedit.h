#pragma once

#include "query/tracequeryparser.h"

#include <QLineEdit>

#include <memory>

class QCompleter;
class QStandardItemModel;
class QTimer;

namespace tg {

class ReaderPool;

/// The filter bar's editor for the trace query language: keys coloured, errors underlined where
/// they are (with the message as tooltip), and completion of keys and of values from the store
/// (trace names, users, sessions, tags, environments, models, agents, levels) under the cursor.
/// Completion pops up while typing a key or a value; Ctrl+Space or Down asks for it anywhere.
class QueryLineEdit : public QLineEdit
{
    Q_OBJECT

public:
    explicit QueryLineEdit(QWidget *parent = nullptr);

    /// Where values for completion come from (without it only keys and fixed values complete).
    void setReaderPool(std::shared_ptr<ReaderPool> pool);
    /// Marks errors (from TraceQueryParser::parse) in the text.
    void setErrors(const QList<QueryError> &errors);
    QList<QueryError> errors() const { return m_errors; }

    /// Recomputes completions for the cursor position; `force` shows keys even with nothing typed.
    void requestCompletion(bool force = false);
    QCompleter *queryCompleter() const { return m_completer; }
    /// What the popup offers now (for tests).
    QStringList completionCandidates() const;
    QueryCompletion completionContext() const;
    /// Inserts a completion as if chosen in the popup.
    void acceptCompletion(const QString &value);

Q_SIGNALS:
    /// New completion candidates are in the popup model.
    void completionsReady();

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    void showCandidates(
        const QueryCompletion &context, const QStringList &values, const QStringList &details);
    void applyFormats();

    QCompleter *m_completer;
    QStandardItemModel *m_candidates;
    QTimer *m_completionTimer;
    std::shared_ptr<ReaderPool> m_pool;
    QList<QueryError> m_errors;
    QueryCompletion m_context;
    quint64 m_generation = 0;
    bool m_forceNext = false;
};

} // namespace tg
