// Fuzzes LangfuseIngestionParser with arbitrary request bodies and checks the invariants the
// receiver relies on: the answer is always valid JSON, top-level failures carry no records, every
// event is answered at most once, and every record has an id and valid JSON payloads.

#include "mapping/flatjson.h"
#include "mapping/langfuseingestionparser.h"

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const tg::LangfuseIngestionResult r = tg::LangfuseIngestionParser::parse(body);

    check(tg::FlatJson::isValidJson(r.responseBody()));
    if (!r.valid) {
        check(r.httpStatus() == 400);
        check(!r.requestErrors.isEmpty());
        check(r.batch.isEmpty() && r.successes.empty() && r.errors.empty());
        return 0;
    }
    check(r.httpStatus() == 207);
    check(r.successes.size() + r.errors.size() <= static_cast<size_t>(r.eventCount));
    check(r.batch.rowCount() <= r.successes.size());
    for (const auto &e : r.errors)
        check(e.status == 400 && !e.error.isEmpty()); // id may be "" when the client sent ""
    for (const auto &t : r.batch.traces) {
        check(!t.id.isEmpty() && t.timestampNs.has_value() && !t.environment.isEmpty());
        checkPayload(t.input);
        checkPayload(t.output);
        checkPayload(t.metadata);
    }
    for (const auto &o : r.batch.observations) {
        check(!o.id.isEmpty() && o.type.has_value());
        checkPayload(o.input);
        checkPayload(o.output);
        checkPayload(o.metadata);
        checkPayload(o.modelParameters);
    }
    for (const auto &s : r.batch.scores) {
        check(!s.id.isEmpty() && !s.name.isEmpty() && s.dataType.has_value());
        checkPayload(s.metadata);
    }
    return 0;
}
