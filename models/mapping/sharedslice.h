#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <functional>

namespace tg {

/// `part` as a QByteArray. When `part` lies inside `owner`, the result shares owner's storage:
/// no allocation and no copy, one more reference that keeps all of owner alive. Like any
/// QByteArray it detaches on a write, but it is not followed by a '\0': read it with its size.
/// A `part` outside `owner` is copied.
inline QByteArray sharedSlice(const QByteArray &owner, QByteArrayView part)
{
    const std::less<const char *> before;
    const char *begin = owner.constData();
    const char *end = begin + owner.size();
    const bool owned = const_cast<QByteArray &>(owner).data_ptr().d_ptr() != nullptr; // not fromRawData
    if (!owned || part.isEmpty() || before(part.data(), begin) || before(end, part.data() + part.size()))
        return part.toByteArray();
    QByteArray slice = owner;
    QByteArray::DataPointer &d = slice.data_ptr();
    d.ptr = const_cast<char *>(part.data());
    d.size = part.size();
    return slice;
}

} // namespace tg
