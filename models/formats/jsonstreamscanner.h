#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <vector>

namespace tg {

/// Reads one JSON document piece by piece without building it: the caller walks down only the
/// containers it cares about (Descend) and gets chosen values back as raw text (Capture); the rest
/// is skipped. Memory is one captured value at a time, whatever the size of the document, which is
/// how a 1 GB OTLP or Langfuse file is read. Values that are captured or skipped are delimited, not
/// validated: whoever parses a captured value validates it. The containers walked down are checked.
class JsonStreamScanner
{
public:
    enum class Action : quint8 { Skip, Capture, Descend };

    /// One level of the path to a value: an object member (key) or an array element (index).
    struct Step
    {
        QByteArray key; ///< unescaped member name; empty for array elements
        qint64 index = -1; ///< element index; -1 for object members
    };
    using Path = std::vector<Step>;

    class Handler
    {
    public:
        virtual ~Handler() = default;
        /// A value starts at `path`; `first` is its first byte ('{', '[', '"', a digit, ...).
        /// Descend is honoured for objects and arrays only (a scalar is then skipped).
        virtual Action onValue(const Path &path, char first) = 0;
        /// A captured value, complete; `offset` is its absolute position in the input.
        virtual void onCaptured(const Path &path, QByteArrayView raw, qint64 offset) = 0;
        /// A container that was descended into has ended.
        virtual void onContainerEnd(const Path &path) { Q_UNUSED(path); }
    };

    enum class Status : quint8 {
        NeedMore, ///< everything given was consumed; call again with more bytes (or eof)
        Done, ///< the document ended (trailing whitespace allowed)
        Error, ///< see error() and errorOffset()
    };

    explicit JsonStreamScanner(Handler &handler);

    /// Scans on from position(). `data` holds the bytes [bufferStart, bufferEnd) and must include
    /// everything from keepFrom(). `eof` says no more bytes will come.
    Status scan(const char *data, qint64 bufferStart, qint64 bufferEnd, bool eof);

    /// Absolute offset of the next byte to look at.
    qint64 position() const { return m_pos; }
    /// Starts at `offset` instead of 0 (past a byte-order mark); call before the first scan().
    void setStart(qint64 offset) { m_pos = offset; }
    /// Earliest absolute offset the scanner still needs (the start of a value being captured).
    qint64 keepFrom() const;
    QString error() const { return m_error; }
    qint64 errorOffset() const { return m_errorOffset; }

private:
    enum class Mode : quint8 { Structure, Key, Value };
    enum class Expect : quint8 { KeyOrEnd, Key, Colon, Value, ValueOrEnd, CommaOrEnd };
    enum class ValueKind : quint8 { Container, String, Scalar };

    struct Frame
    {
        bool array = false;
        Expect expect = Expect::Value;
    };

    Status fail(const char *what, qint64 offset);
    bool startValue(char c, qint64 offset);
    void valueDone();
    /// Advances over the current value; true when it ended (at `p`).
    bool scanValue(const char *&p, const char *end, bool eof);
    /// Advances over the current key string; true when it ended.
    bool scanString(const char *&p, const char *end);

    Handler &m_handler;
    std::vector<Frame> m_frames;
    Path m_path; ///< one step per frame
    Mode m_mode = Mode::Structure;
    bool m_rootDone = false;

    // The value or key being scanned.
    qint64 m_valueStart = -1;
    bool m_capture = false;
    ValueKind m_kind = ValueKind::Scalar;
    int m_depth = 0;
    bool m_inString = false;
    bool m_escape = false;
    bool m_keyEscaped = false;

    qint64 m_pos = 0;
    QString m_error;
    qint64 m_errorOffset = -1;
};

} // namespace tg
