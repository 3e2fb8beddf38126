#pragma once

#include "chat/chatmessages.h"
#include "domain/rows.h"
#include "domain/source.h"

#include <memory>
#include <optional>
#include <vector>

namespace tg {

class FlatJson;
class StoreReader;

/// What the detail pane shows for one observation (or the trace itself), prepared off the GUI
/// thread: the rows from the store, the payloads normalised to chat messages and parsed into JSON
/// documents for the raw views.
struct DetailContent
{
    std::optional<ObservationDetail> observation;
    std::optional<TraceDetail> trace; ///< set when the trace itself is shown
    std::optional<TraceRow> traceRow; ///< the trace the observation belongs to
    std::vector<ScoreRow> scores;
    std::optional<Source> source;
    ChatMessages input;
    ChatMessages output;
    std::shared_ptr<const FlatJson> inputJson;
    std::shared_ptr<const FlatJson> outputJson;
    std::shared_ptr<const FlatJson> metadataJson;

    bool isEmpty() const { return !observation && !trace; }
    const QByteArray &rawInput() const;
    const QByteArray &rawOutput() const;
    const QByteArray &rawMetadata() const;

    /// Reads one observation (or the trace when observationRk is 0) and prepares it. Any thread.
    static DetailContent load(StoreReader &reader, qint64 traceRk, qint64 observationRk);
    static DetailContent fromObservation(ObservationDetail detail, std::vector<ScoreRow> scores = {});
    static DetailContent fromTrace(TraceDetail detail, std::vector<ScoreRow> scores = {});
    /// Normalises and parses the payloads (called by the factories).
    void prepare();
};

} // namespace tg
