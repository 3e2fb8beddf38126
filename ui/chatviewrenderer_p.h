#pragma once
// Internal to ChatView: renders its items into a new document.

#include "chatview.h"

#include <QPalette>
#include <QSet>

class QTextDocument;

namespace tg {

/// Builds the document for `items` (parts cut to the view's budgets unless in `expanded`).
QTextDocument *renderChatDocument(const std::vector<ChatViewItem> &items, const QPalette &palette,
    const QFont &font, const QSet<QString> &expanded, bool markdown, QObject *parent);

} // namespace tg
