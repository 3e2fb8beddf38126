#pragma once
// CPU time for the benchmarks' "per CPU second" figures: the ones the load of a shared machine
// disturbs least.

#include <sys/resource.h>

namespace tg::bench {

/// User plus system time in `usage`, in seconds.
inline double cpuSeconds(const rusage &usage)
{
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/// CPU time of every thread of this process so far.
inline double processCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return cpuSeconds(usage);
}

} // namespace tg::bench
