#include "jsonstreamscanner.h"

#include "mapping/jsontext.h"

namespace tg {

namespace {

inline bool isJsonSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

} // namespace

JsonStreamScanner::JsonStreamScanner(Handler &handler)
    : m_handler(handler)
{
}

qint64 JsonStreamScanner::keepFrom() const
{
    return m_valueStart >= 0 ? m_valueStart : m_pos;
}

JsonStreamScanner::Status JsonStreamScanner::fail(const char *what, qint64 offset)
{
    if (m_error.isNull()) {
        m_error = QString::fromLatin1(what);
        m_errorOffset = offset;
    }
    return Status::Error;
}

bool JsonStreamScanner::startValue(char c, qint64 offset)
{
    ValueKind kind;
    if (c == '{' || c == '[')
        kind = ValueKind::Container;
    else if (c == '"')
        kind = ValueKind::String;
    else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n')
        kind = ValueKind::Scalar;
    else {
        fail("expected a JSON value", offset);
        return false;
    }
    const Action action = m_handler.onValue(m_path, c);
    if (action == Action::Descend && kind == ValueKind::Container) {
        const bool array = c == '[';
        m_frames.push_back(Frame { array, array ? Expect::ValueOrEnd : Expect::KeyOrEnd });
        m_path.push_back(Step { QByteArray(), array ? 0 : -1 });
        m_pos = offset + 1;
        return true;
    }
    m_mode = Mode::Value;
    m_capture = action == Action::Capture;
    m_kind = kind;
    m_depth = 0;
    m_inString = false;
    m_escape = false;
    m_valueStart = offset;
    m_pos = offset;
    return true;
}

void JsonStreamScanner::valueDone()
{
    if (m_frames.empty())
        m_rootDone = true;
    else
        m_frames.back().expect = Expect::CommaOrEnd;
}

bool JsonStreamScanner::scanString(const char *&p, const char *end)
{
    while (p < end) {
        if (m_escape) {
            m_escape = false;
            ++p;
            continue;
        }
        const char *q = p;
        while (q < end && *q != '"' && *q != '\\')
            ++q;
        p = q;
        if (p == end)
            return false;
        ++p;
        if (*q == '\\') {
            m_escape = true;
            m_keyEscaped = true;
            continue;
        }
        m_inString = false;
        return true;
    }
    return false;
}

bool JsonStreamScanner::scanValue(const char *&p, const char *end, bool eof)
{
    switch (m_kind) {
    case ValueKind::String:
        if (!m_inString && m_depth == 0) {
            if (p == end)
                return false;
            ++p; // the opening quote
            m_depth = 1;
            m_inString = true;
        }
        return scanString(p, end);
    case ValueKind::Scalar:
        while (p < end) {
            const char c = *p;
            if (isJsonSpace(c) || c == ',' || c == '}' || c == ']' || c == ':')
                return true;
            ++p;
        }
        return eof;
    case ValueKind::Container:
        while (p < end) {
            if (m_inString) {
                if (!scanString(p, end))
                    return false;
                continue;
            }
            const char c = *p++;
            if (c == '"') {
                m_inString = true;
            } else if (c == '{' || c == '[') {
                ++m_depth;
            } else if (c == '}' || c == ']') {
                if (--m_depth == 0)
                    return true;
            }
        }
        return false;
    }
    return false;
}

JsonStreamScanner::Status JsonStreamScanner::scan(
    const char *data, qint64 bufferStart, qint64 bufferEnd, bool eof)
{
    if (!m_error.isNull())
        return Status::Error;
    const char *p = data + (m_pos - bufferStart);
    const char *const end = data + (bufferEnd - bufferStart);
    auto offsetOf = [&](const char *q) { return bufferStart + (q - data); };

    for (;;) {
        if (m_mode == Mode::Value) {
            if (!scanValue(p, end, eof)) {
                m_pos = offsetOf(p);
                if (eof)
                    return fail("the file ends inside a value", m_valueStart);
                return Status::NeedMore;
            }
            m_pos = offsetOf(p);
            if (m_capture) {
                m_handler.onCaptured(m_path,
                    QByteArrayView(data + (m_valueStart - bufferStart), m_pos - m_valueStart), m_valueStart);
            }
            m_mode = Mode::Structure;
            m_valueStart = -1;
            valueDone();
            continue;
        }
        if (m_mode == Mode::Key) {
            if (!scanString(p, end)) {
                m_pos = offsetOf(p);
                if (eof)
                    return fail("the file ends inside a member name", m_valueStart);
                return Status::NeedMore;
            }
            m_pos = offsetOf(p);
            const QByteArrayView raw(data + (m_valueStart - bufferStart), m_pos - m_valueStart);
            if (m_keyEscaped) {
                const auto key = JsonText::unquote(raw);
                if (!key)
                    return fail("invalid escape in a member name", m_valueStart);
                m_path.back().key = *key;
            } else {
                m_path.back().key = raw.sliced(1, raw.size() - 2).toByteArray();
            }
            m_frames.back().expect = Expect::Colon;
            m_mode = Mode::Structure;
            m_valueStart = -1;
            continue;
        }

        while (p < end && isJsonSpace(*p))
            ++p;
        m_pos = offsetOf(p);
        if (p == end) {
            if (!eof)
                return Status::NeedMore;
            if (m_frames.empty() && m_rootDone)
                return Status::Done;
            return fail(m_frames.empty() ? "the file holds no JSON value"
                                         : "the file ends before the JSON document does",
                m_pos);
        }
        const char c = *p;
        const qint64 at = m_pos;
        if (m_frames.empty()) {
            if (m_rootDone)
                return fail("unexpected data after the end of the JSON document", at);
            if (!startValue(c, at))
                return Status::Error;
            p = data + (m_pos - bufferStart);
            continue;
        }
        Frame &frame = m_frames.back();
        switch (frame.expect) {
        case Expect::KeyOrEnd:
            if (c == '}') {
                ++p;
                m_pos = offsetOf(p);
                m_frames.pop_back();
                m_path.pop_back();
                m_handler.onContainerEnd(m_path);
                valueDone();
                continue;
            }
            [[fallthrough]];
        case Expect::Key:
            if (c != '"')
                return fail("expected a member name in double quotes", at);
            m_mode = Mode::Key;
            m_valueStart = at;
            m_escape = false;
            m_keyEscaped = false;
            m_inString = true;
            ++p;
            continue;
        case Expect::Colon:
            if (c != ':')
                return fail("expected ':' after a member name", at);
            ++p;
            frame.expect = Expect::Value;
            continue;
        case Expect::ValueOrEnd:
            if (c == ']') {
                ++p;
                m_pos = offsetOf(p);
                m_frames.pop_back();
                m_path.pop_back();
                m_handler.onContainerEnd(m_path);
                valueDone();
                continue;
            }
            [[fallthrough]];
        case Expect::Value:
            if (!startValue(c, at))
                return Status::Error;
            p = data + (m_pos - bufferStart);
            continue;
        case Expect::CommaOrEnd:
            if (c == ',') {
                ++p;
                if (frame.array) {
                    frame.expect = Expect::Value;
                    ++m_path.back().index;
                } else {
                    frame.expect = Expect::Key;
                }
                continue;
            }
            if (c == (frame.array ? ']' : '}')) {
                ++p;
                m_pos = offsetOf(p);
                m_frames.pop_back();
                m_path.pop_back();
                m_handler.onContainerEnd(m_path);
                valueDone();
                continue;
            }
            return fail(frame.array ? "expected ',' or ']' after an array element"
                                    : "expected ',' or '}' after an object member",
                at);
        }
    }
}

} // namespace tg
