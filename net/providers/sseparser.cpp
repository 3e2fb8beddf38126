#include "sseparser.h"

namespace tg {

std::vector<SseParser::Event> SseParser::feed(QByteArrayView chunk)
{
    std::vector<Event> out;
    m_bytes += chunk.size();
    if (m_skipLf && !chunk.isEmpty()) {
        if (chunk.front() == '\n')
            chunk = chunk.sliced(1);
        m_skipLf = false;
    }
    m_buffer.append(chunk);
    qsizetype start = 0;
    for (qsizetype i = 0; i < m_buffer.size(); ++i) {
        const char c = m_buffer.at(i);
        if (c != '\n' && c != '\r')
            continue;
        line(QByteArrayView(m_buffer).sliced(start, i - start), out);
        if (c == '\r') {
            if (i + 1 < m_buffer.size()) {
                if (m_buffer.at(i + 1) == '\n')
                    ++i;
            } else {
                m_skipLf = true;
            }
        }
        start = i + 1;
    }
    m_buffer.remove(0, start);
    return out;
}

std::vector<SseParser::Event> SseParser::finish()
{
    std::vector<Event> out;
    if (!m_buffer.isEmpty()) {
        line(m_buffer, out);
        m_buffer.clear();
    }
    dispatch(out);
    return out;
}

void SseParser::line(QByteArrayView text, std::vector<Event> &out)
{
    if (text.isEmpty()) {
        dispatch(out);
        return;
    }
    if (text.front() == ':')
        return;
    const qsizetype colon = text.indexOf(':');
    const QByteArrayView field = colon < 0 ? text : text.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : text.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    if (field == "data") {
        if (m_hasData)
            m_current.data.append('\n');
        m_current.data.append(value);
        m_hasData = true;
    } else if (field == "event") {
        m_current.event = value.toByteArray();
    } else if (field == "id") {
        m_current.id = value.toByteArray();
    }
}

void SseParser::dispatch(std::vector<Event> &out)
{
    if (m_hasData)
        out.push_back(std::move(m_current));
    m_current = Event();
    m_hasData = false;
}

} // namespace tg
