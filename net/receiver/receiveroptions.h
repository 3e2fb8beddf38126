#pragma once

#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace tg {

/// How the local receiver listens. Loopback only unless a non-loopback address is asked for
/// explicitly, and then only with receiver keys.
struct ReceiverOptions
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 httpPort = 4318;
    quint16 grpcPort = 4317;
    bool grpcEnabled = true;
    qsizetype maxBodyBytes = 64 * 1024 * 1024; ///< after decompression too
    QStringList allowedOrigins; ///< CORS; empty = no CORS headers at all
    QString publicKey; ///< receiver keys (HTTP Basic / OTLP headers); empty = none
    QString secretKey;

    bool requiresKeys() const { return !address.isLoopback(); }
    bool hasKeys() const { return !publicKey.isEmpty() && !secretKey.isEmpty(); }
};

/// Counters since the receiver started (a snapshot).
struct ReceiverStats
{
    qint64 requests = 0;
    qint64 spansAccepted = 0;
    qint64 spansRejected = 0;
    qint64 ingestionEvents = 0;
    qint64 logRecords = 0;
    qint64 metricPoints = 0;
    qint64 bytesReceived = 0;
    qint64 refused = 0; ///< answered 429/503 (store busy)
    qint64 failed = 0; ///< answered 4xx/5xx otherwise
    QString lastError;
    qint64 lastErrorNs = 0;
};

/// One committed batch, for the status bar and the headless receiver's log line.
struct ReceivedBatch
{
    QString protocol; ///< "otlp/http+protobuf", "otlp/http+json", "otlp/grpc", "langfuse/ingestion"
    qint64 spans = 0;
    qint64 rejected = 0;
    qint64 traces = 0;
    qint64 bytes = 0;
    double milliseconds = 0; ///< request in to commit
};

} // namespace tg
