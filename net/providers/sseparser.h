#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <vector>

namespace tg {

/// Incremental parser for Server-Sent Events (text/event-stream): bytes in, whole events out.
/// Lines end in LF, CRLF or CR; "data:" lines of one event are joined with LF; ":" lines are
/// comments (keep-alives); an event ends at a blank line. A chunk may end anywhere, even inside a
/// CRLF or a UTF-8 sequence.
class SseParser
{
public:
    struct Event
    {
        QByteArray event; ///< the "event:" field; empty means "message"
        QByteArray data;
        QByteArray id;
    };

    /// Events completed by `chunk`.
    std::vector<Event> feed(QByteArrayView chunk);
    /// At end of stream: an event still open without its blank line (some servers end that way).
    std::vector<Event> finish();
    /// Bytes seen in total.
    qint64 bytesSeen() const { return m_bytes; }

private:
    void line(QByteArrayView text, std::vector<Event> &out);
    void dispatch(std::vector<Event> &out);

    QByteArray m_buffer;
    Event m_current;
    bool m_hasData = false;
    bool m_skipLf = false; ///< the last chunk ended with CR: a leading LF belongs to it
    qint64 m_bytes = 0;
};

} // namespace tg
