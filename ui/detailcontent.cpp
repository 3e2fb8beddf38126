#include "detailcontent.h"

#include "itemmodels/jsontreemodel.h"
#include "store/storereader.h"

namespace tg {

namespace {
const QByteArray kEmpty;
}

const QByteArray &DetailContent::rawInput() const
{
    return observation ? observation->input : trace ? trace->input : kEmpty;
}

const QByteArray &DetailContent::rawOutput() const
{
    return observation ? observation->output : trace ? trace->output : kEmpty;
}

const QByteArray &DetailContent::rawMetadata() const
{
    return observation ? observation->metadata : trace ? trace->metadata : kEmpty;
}

void DetailContent::prepare()
{
    input = ChatMessages::parse(rawInput(), ChatMessages::Input);
    output = ChatMessages::parse(rawOutput(), ChatMessages::Output);
    inputJson = JsonTreeModel::parse(rawInput());
    outputJson = JsonTreeModel::parse(rawOutput());
    metadataJson = JsonTreeModel::parse(rawMetadata());
}

DetailContent DetailContent::fromObservation(ObservationDetail detail, std::vector<ScoreRow> scores)
{
    DetailContent content;
    content.observation = std::move(detail);
    content.scores = std::move(scores);
    content.prepare();
    return content;
}

DetailContent DetailContent::fromTrace(TraceDetail detail, std::vector<ScoreRow> scores)
{
    DetailContent content;
    content.traceRow = detail.row;
    content.trace = std::move(detail);
    content.scores = std::move(scores);
    content.prepare();
    return content;
}

DetailContent DetailContent::load(StoreReader &reader, qint64 traceRk, qint64 observationRk)
{
    DetailContent content;
    content.traceRow = reader.trace(traceRk);
    if (observationRk > 0)
        content.observation = reader.observationDetail(observationRk);
    else
        content.trace = reader.traceDetail(traceRk);
    if (content.traceRow) {
        content.source = reader.source(content.traceRow->sourceId);
        for (ScoreRow &s : reader.scoresForTrace(content.traceRow->sourceId, content.traceRow->id)) {
            const bool forThis = content.observation ? s.observationId == content.observation->row.id
                                                     : s.observationId.isEmpty();
            if (forThis)
                content.scores.push_back(std::move(s));
        }
    }
    content.prepare();
    return content;
}

} // namespace tg
