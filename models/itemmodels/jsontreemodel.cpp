#include "jsontreemodel.h"

#include <QByteArrayMatcher>
#include <QLocale>

#include <algorithm>

namespace tg {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// Decodes the start of a JSON string body (no quotes) into at most `maxChars` characters, with
/// line breaks and tabs made visible; sets `cut` when there is more.
QString decodePrefix(QByteArrayView body, int maxChars, bool *cut)
{
    QByteArray utf8;
    utf8.reserve(std::min<qsizetype>(body.size(), maxChars * 4));
    QString out;
    int chars = 0;
    qsizetype i = 0;
    const auto flush = [&] {
        out += QString::fromUtf8(utf8);
        utf8.clear();
    };
    while (i < body.size() && chars < maxChars) {
        const char c = body[i];
        if (c != '\\') {
            // Count characters, not bytes: continuation bytes belong to the previous character.
            if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
                ++chars;
            utf8 += c;
            ++i;
            continue;
        }
        if (i + 1 >= body.size())
            break;
        const char e = body[i + 1];
        i += 2;
        ++chars;
        switch (e) {
        case 'n':
        case 'r':
            utf8 += "\xe2\x86\xb5"; // ↵
            break;
        case 't':
            utf8 += "\xe2\x86\x92"; // →
            break;
        case 'b':
        case 'f':
            utf8 += ' ';
            break;
        case 'u': {
            if (i + 4 > body.size()) {
                i = body.size();
                break;
            }
            int code = 0;
            for (int k = 0; k < 4; ++k) {
                const int h = hexValue(body[i + k]);
                code = h < 0 ? -1 : (code < 0 ? -1 : code * 16 + h);
            }
            i += 4;
            flush();
            if (code >= 0xD800 && code <= 0xDBFF && i + 6 <= body.size() && body[i] == '\\'
                && body[i + 1] == 'u') {
                int low = 0;
                for (int k = 0; k < 4; ++k) {
                    const int h = hexValue(body[i + 2 + k]);
                    low = h < 0 ? -1 : (low < 0 ? -1 : low * 16 + h);
                }
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    out += QChar(static_cast<char16_t>(code));
                    out += QChar(static_cast<char16_t>(low));
                    i += 6;
                    break;
                }
            }
            out += code < 0 ? QChar(QChar::ReplacementCharacter) : QChar(static_cast<char16_t>(code));
            break;
        }
        default:
            utf8 += e;
            break;
        }
    }
    flush();
    *cut = i < body.size();
    return out;
}

bool isIdentifier(QStringView key)
{
    if (key.isEmpty() || key.front().isDigit())
        return false;
    for (const QChar c : key) {
        if (!(c.isLetterOrNumber() || c == u'_' || c == u'$'))
            return false;
    }
    return true;
}

} // namespace

JsonTreeModel::JsonTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

std::shared_ptr<const FlatJson> JsonTreeModel::parse(const QByteArray &text, QString *error)
{
    auto doc = std::make_shared<FlatJson>();
    if (!doc->parse(text)) {
        if (error)
            *error = doc->errorString();
        return nullptr;
    }
    return doc;
}

void JsonTreeModel::setDocument(std::shared_ptr<const FlatJson> document)
{
    beginResetModel();
    m_doc = (document && document->isValid()) ? std::move(document) : nullptr;
    m_children.clear();
    m_isKey.clear();
    m_lowerText.clear();
    const size_t count = m_doc ? m_doc->nodeCount() : 0;
    m_parent.assign(count, kNoNode);
    m_row.assign(count, 0);
    m_topParent = kTop;
    if (m_doc) {
        const FlatJson::Kind kind = m_doc->node(0).kind;
        if (kind == FlatJson::Kind::Object || kind == FlatJson::Kind::Array)
            m_topParent = 0;
    }
    endResetModel();
}

void JsonTreeModel::clear()
{
    setDocument(nullptr);
}

const std::vector<quint32> &JsonTreeModel::childrenOf(quint32 parent) const
{
    static const std::vector<quint32> none;
    if (!m_doc)
        return none;
    auto it = m_children.find(parent);
    if (it != m_children.end())
        return *it;
    std::vector<quint32> list;
    if (parent == kTop) {
        list.push_back(0);
        m_parent[0] = kTop;
        m_row[0] = 0;
    } else {
        const FlatJsonValue v = value(parent);
        list.reserve(static_cast<size_t>(v.size()));
        if (v.isObject())
            v.forEachMember(
                [&](const FlatJsonValue &, const FlatJsonValue &member) { list.push_back(member.index()); });
        else
            v.forEachElement([&](const FlatJsonValue &element) { list.push_back(element.index()); });
        for (size_t row = 0; row < list.size(); ++row) {
            m_parent[list[row]] = parent;
            m_row[list[row]] = static_cast<quint32>(row);
        }
    }
    return *m_children.insert(parent, std::move(list));
}

quint32 JsonTreeModel::nodeForIndex(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || !m_doc)
        return kNoNode;
    return static_cast<quint32>(index.internalId());
}

bool JsonTreeModel::parentIsObject(quint32 node) const
{
    const quint32 p = m_parent[node];
    return p != kTop && p != kNoNode && m_doc->node(p).kind == FlatJson::Kind::Object;
}

QModelIndex JsonTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!m_doc || row < 0 || column < 0 || column >= ColumnCount)
        return {};
    quint32 p = m_topParent;
    if (parent.isValid()) {
        if (parent.column() != 0)
            return {};
        p = nodeForIndex(parent);
    }
    const std::vector<quint32> &list = childrenOf(p);
    if (row >= static_cast<int>(list.size()))
        return {};
    return createIndex(row, column, static_cast<quintptr>(list[static_cast<size_t>(row)]));
}

QModelIndex JsonTreeModel::parent(const QModelIndex &child) const
{
    const quint32 node = nodeForIndex(child);
    if (node == kNoNode)
        return {};
    const quint32 p = m_parent[node];
    if (p == kTop || p == kNoNode || p == m_topParent)
        return {};
    return createIndex(static_cast<int>(m_row[p]), 0, static_cast<quintptr>(p));
}

int JsonTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!m_doc)
        return 0;
    if (!parent.isValid())
        return m_topParent == kTop ? 1 : static_cast<int>(m_doc->node(0).count);
    if (parent.column() != 0)
        return 0;
    const FlatJson::Node &n = m_doc->node(nodeForIndex(parent));
    return (n.kind == FlatJson::Kind::Object || n.kind == FlatJson::Kind::Array) ? static_cast<int>(n.count)
                                                                                 : 0;
}

int JsonTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool JsonTreeModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

QString JsonTreeModel::keyText(const QModelIndex &index) const
{
    const quint32 node = nodeForIndex(index);
    if (node == kNoNode)
        return {};
    if (m_parent[node] == kTop)
        return tr("(value)");
    if (parentIsObject(node))
        return value(node - 1).toString();
    return u'[' + QString::number(m_row[node]) + u']';
}

QString JsonTreeModel::preview(quint32 node) const
{
    const FlatJsonValue v = value(node);
    switch (v.kind()) {
    case FlatJson::Kind::String: {
        const QByteArrayView raw = v.rawText();
        bool cut = false;
        const QString text = decodePrefix(raw.sliced(1, raw.size() - 2), kPreviewChars, &cut);
        return u'"' + text + (cut ? QStringLiteral("…\"") : QStringLiteral("\""));
    }
    case FlatJson::Kind::Object:
        return v.size() == 1 ? tr("{1 key}") : tr("{%1 keys}").arg(QLocale().toString(v.size()));
    case FlatJson::Kind::Array:
        return v.size() == 1 ? tr("[1 item]") : tr("[%1 items]").arg(QLocale().toString(v.size()));
    default:
        return QString::fromUtf8(v.rawText());
    }
}

QString JsonTreeModel::formatBytes(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KB").arg(static_cast<double>(bytes) / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 MB").arg(static_cast<double>(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
}

QString JsonTreeModel::typeText(quint32 node) const
{
    const FlatJson::Node &n = m_doc->node(node);
    const qint64 bytes = static_cast<qint64>(n.end) - static_cast<qint64>(n.begin);
    const QString size = bytes >= 1024 ? QStringLiteral(" · ") + formatBytes(bytes) : QString();
    switch (n.kind) {
    case FlatJson::Kind::Null:
        return QStringLiteral("null");
    case FlatJson::Kind::True:
    case FlatJson::Kind::False:
        return QStringLiteral("boolean");
    case FlatJson::Kind::Number:
        return QStringLiteral("number");
    case FlatJson::Kind::String:
        return QStringLiteral("string") + size;
    case FlatJson::Kind::Array:
        return QStringLiteral("array") + size;
    case FlatJson::Kind::Object:
        return QStringLiteral("object") + size;
    }
    return {};
}

QString JsonTreeModel::fullValue(const QModelIndex &index) const
{
    const quint32 node = nodeForIndex(index);
    if (node == kNoNode)
        return {};
    const FlatJsonValue v = value(node);
    return v.isString() ? v.toString() : QString::fromUtf8(v.compactText());
}

QString JsonTreeModel::path(const QModelIndex &index) const
{
    quint32 node = nodeForIndex(index);
    if (node == kNoNode)
        return {};
    QStringList segments;
    while (node != kNoNode && m_parent[node] != kTop && node != m_topParent) {
        if (parentIsObject(node)) {
            const QString key = value(node - 1).toString();
            if (isIdentifier(key))
                segments.prepend(u'.' + key);
            else
                segments.prepend(QStringLiteral("[\"") + QString(key).replace(u'"', QStringLiteral("\\\""))
                    + QStringLiteral("\"]"));
        } else {
            segments.prepend(u'[' + QString::number(m_row[node]) + u']');
        }
        node = m_parent[node];
    }
    return u'$' + segments.join(QString());
}

QModelIndex JsonTreeModel::indexForNode(quint32 node, int column) const
{
    if (!m_doc || node >= m_doc->nodeCount())
        return {};
    if (m_topParent == kTop) {
        childrenOf(kTop);
        return node == 0 ? createIndex(0, column, quintptr(0)) : QModelIndex();
    }
    if (node == 0)
        return {}; // the root container itself has no row
    // Walk down from the root: the child whose text span holds the node's start.
    const quint32 begin = m_doc->node(node).begin;
    quint32 current = 0;
    for (;;) {
        const std::vector<quint32> &list = childrenOf(current);
        auto it = std::upper_bound(list.begin(), list.end(), begin,
            [this](quint32 offset, quint32 child) { return offset < m_doc->node(child).begin; });
        if (it == list.begin())
            return {};
        const quint32 child = *(it - 1);
        if (child == node)
            return createIndex(static_cast<int>(m_row[child]), column, static_cast<quintptr>(child));
        const FlatJson::Node &n = m_doc->node(child);
        if (begin >= n.end || (n.kind != FlatJson::Kind::Object && n.kind != FlatJson::Kind::Array))
            return {};
        current = child;
    }
}

void JsonTreeModel::ensureKeyMap() const
{
    if (!m_isKey.empty() || !m_doc)
        return;
    m_isKey.assign(m_doc->nodeCount(), false);
    for (quint32 i = 0; i < m_doc->nodeCount(); ++i) {
        if (m_doc->node(i).kind != FlatJson::Kind::Object)
            continue;
        value(i).forEachMember(
            [this](const FlatJsonValue &key, const FlatJsonValue &) { m_isKey[key.index()] = true; });
    }
}

std::vector<quint32> JsonTreeModel::find(const QString &text, int limit, bool *truncated) const
{
    std::vector<quint32> hits;
    if (truncated)
        *truncated = false;
    if (!m_doc || text.isEmpty())
        return hits;
    ensureKeyMap();
    if (m_lowerText.isEmpty())
        m_lowerText = m_doc->text().toLower();
    const QByteArray needle = text.toUtf8().toLower();
    const QByteArrayMatcher matcher(needle);
    const size_t count = m_doc->nodeCount();
    qsizetype from = 0;
    for (;;) {
        const qsizetype at = matcher.indexIn(m_lowerText, from);
        if (at < 0)
            break;
        from = at + 1;
        // The deepest node starting at or before the match (nodes are in document order).
        quint32 lo = 0;
        quint32 hi = static_cast<quint32>(count);
        while (hi - lo > 1) {
            const quint32 mid = lo + (hi - lo) / 2;
            if (m_doc->node(mid).begin <= static_cast<quint32>(at))
                lo = mid;
            else
                hi = mid;
        }
        const FlatJson::Node &n = m_doc->node(lo);
        if (n.kind == FlatJson::Kind::Object || n.kind == FlatJson::Kind::Array)
            continue; // punctuation between values
        if (static_cast<quint32>(at + needle.size()) > n.end)
            continue;
        const quint32 hit = m_isKey[lo] ? lo + 1 : lo;
        if (!hits.empty() && hits.back() == hit)
            continue;
        if (static_cast<int>(hits.size()) >= limit) {
            if (truncated)
                *truncated = true;
            break;
        }
        hits.push_back(hit);
        from = std::max<qsizetype>(from, n.end); // one hit per value is enough
    }
    return hits;
}

QVariant JsonTreeModel::data(const QModelIndex &index, int role) const
{
    const quint32 node = nodeForIndex(index);
    if (node == kNoNode)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case KeyColumn:
            return keyText(index);
        case ValueColumn:
            return preview(node);
        case TypeColumn:
            return typeText(node);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == ValueColumn && m_doc->node(node).kind == FlatJson::Kind::String) {
            const QByteArrayView raw = value(node).rawText();
            bool cut = false;
            return QString(decodePrefix(raw.sliced(1, raw.size() - 2), 1000, &cut)
                + (cut ? QStringLiteral("…") : QString()));
        }
        return {};
    case PathRole:
        return path(index);
    case FullValueRole:
        return fullValue(index);
    case KindRole:
        return static_cast<int>(m_doc->node(node).kind);
    case NodeRole:
        return node;
    default:
        return {};
    }
}

QVariant JsonTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case ValueColumn:
        return tr("Value");
    case TypeColumn:
        return tr("Type");
    }
    return {};
}

} // namespace tg
