// Fuzzes LangfuseApiMapper::mapDocument (every REST answer and file shape it recognises) and the
// v2 page mapper: no crash, every record has an id, payloads are valid JSON text.

#include "mapping/flatjson.h"
#include "mapping/langfuseapimapper.h"

#include <cstdint>
#include <cstdlib>

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

void checkPayload(const QByteArray &json)
{
    check(json.isEmpty() || tg::FlatJson::isValidJson(json));
}

void checkResult(const tg::LangfuseApiResult &r)
{
    check(r.ok || !r.error.isEmpty());
    check(r.skippedCount <= r.itemCount || r.itemCount == 0);
    for (const auto &t : r.batch.traces) {
        check(!t.id.isEmpty());
        checkPayload(t.input);
        checkPayload(t.output);
        checkPayload(t.metadata);
    }
    for (const auto &o : r.batch.observations) {
        check(!o.id.isEmpty());
        checkPayload(o.input);
        checkPayload(o.output);
        checkPayload(o.metadata);
        checkPayload(o.modelParameters);
    }
    for (const auto &s : r.batch.scores) {
        check(!s.id.isEmpty());
        checkPayload(s.metadata);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray json(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    checkResult(tg::LangfuseApiMapper::mapDocument(json));
    checkResult(tg::LangfuseApiMapper::mapObservationsV2Page(json));
    return 0;
}
