#pragma once

#include "providerconfig.h"
#include "replay/providerbodies.h"
#include "replay/replayresult.h"
#include "sseparser.h"

#include <QElapsedTimer>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace tg {

class ResponseAssembler;

/// How one run talks to the provider.
struct ProviderRunOptions
{
    bool stream = true; ///< ask for SSE; a server that answers with plain JSON is read as such
    int firstByteTimeoutMs = 120'000; ///< until the answer starts
    int idleTimeoutMs = 120'000; ///< longest silence once it started (a stalled stream)
};

/// One request to a provider. Emits deltas while the answer streams in and finished() exactly once
/// (success, HTTP or network error, timeout, dropped stream, or cancel). Deletes nothing by itself:
/// its parent owns it.
class ChatRun : public QObject
{
    Q_OBJECT

public:
    ~ChatRun() override;

    /// Aborts the request; finished() follows with result().cancelled set.
    void cancel();
    bool isFinished() const { return m_finished; }
    /// The result so far (text and tool calls grow while streaming).
    const ReplayResult &result() const;
    /// The JSON body that was sent.
    const QByteArray &requestBody() const { return m_body; }
    /// What the conversion to the provider's format could not express.
    const std::vector<FidelityNote> &notes() const { return m_notes; }

Q_SIGNALS:
    void textDelta(const QString &text);
    void thinkingDelta(const QString &text);
    void toolCallsChanged();
    void finished(const tg::ReplayResult &result);

private:
    friend class ChatProvider;
    ChatRun(QObject *parent, std::unique_ptr<ResponseAssembler> assembler, QByteArray body,
        std::vector<FidelityNote> notes, QString providerName, ProviderRunOptions options);

    void start(QNetworkAccessManager *nam, const QNetworkRequest &request);
    void onReadyRead();
    void onFinished();
    void onTimeout();
    void handleEvents(const std::vector<SseParser::Event> &events);
    void finish(QString error = {});
    void markFirstToken();

    std::unique_ptr<ResponseAssembler> m_assembler;
    SseParser m_sse;
    QByteArray m_body;
    std::vector<FidelityNote> m_notes;
    QString m_providerName;
    ProviderRunOptions m_options;
    QPointer<QNetworkReply> m_reply;
    QTimer m_timer;
    QElapsedTimer m_clock;
    QByteArray m_buffer; ///< a non-streamed body or an error body
    int m_status = 0;
    bool m_headersSeen = false;
    bool m_streaming = false;
    bool m_finished = false;
    bool m_cancelled = false;
    QString m_timeoutError;
    QString m_streamError;
};

/// An LLM endpoint for replays. Subclasses know the wire format; this class does the HTTP:
/// headers with the key (never logged: headers go through redaction), timeouts, error messages
/// for 400/401/403/404/429 (with Retry-After)/5xx, the model list. Lives on one thread.
class ChatProvider : public QObject
{
    Q_OBJECT

public:
    using ModelsCallback = std::function<void(const QStringList &models, const QString &error)>;

    /// `nam` is shared and must outlive the provider; nullptr makes a private one.
    ChatProvider(ProviderConfig config, QString apiKey, QNetworkAccessManager *nam, QObject *parent);
    ~ChatProvider() override;

    /// The OpenAI-compatible or Anthropic provider for `config`.
    static std::unique_ptr<ChatProvider> create(const ProviderConfig &config, const QString &apiKey,
        QNetworkAccessManager *nam = nullptr, QObject *parent = nullptr);

    const ProviderConfig &config() const { return m_config; }
    /// The request body this provider sends for `request`.
    virtual ProviderBody body(const ReplayRequest &request, bool stream) const = 0;
    /// Starts a run, owned by `parent` (this provider when null).
    ChatRun *start(
        const ReplayRequest &request, const ProviderRunOptions &options, QObject *parent = nullptr);
    /// Options from the config (streaming, timeouts).
    ProviderRunOptions defaultOptions() const;
    /// Lists the provider's models (sorted); `done` runs later unless `context` is gone.
    void fetchModels(QObject *context, ModelsCallback done);

    /// A sentence for an HTTP error ("The API key was refused (401): ..."), redacted.
    static QString httpErrorMessage(
        int status, const QByteArray &body, int retryAfterSeconds, const QString &provider);
    /// Seconds from a Retry-After value (delta seconds or an HTTP date); -1 when unreadable.
    static int parseRetryAfter(const QByteArray &value);

protected:
    virtual QNetworkRequest chatRequest(bool stream) const = 0;
    virtual QNetworkRequest modelsRequest() const = 0;
    virtual std::unique_ptr<ResponseAssembler> assembler() const = 0;
    /// Model ids from the list body; false and `error` when it is not a list.
    virtual bool parseModels(const QByteArray &body, QStringList *models, QString *error) const;
    /// A request with Content-Type and Accept set (subclasses add their auth headers).
    QNetworkRequest baseRequest(const QString &url, bool stream) const;
    const QString &apiKey() const { return m_apiKey; }

private:
    ProviderConfig m_config;
    QString m_apiKey; ///< memory only
    QNetworkAccessManager *m_nam;
};

} // namespace tg
