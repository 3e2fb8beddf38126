#pragma once
// Shared by the files of LangfuseSync.

namespace tg::langfusesync {

inline constexpr char kWatermarkKey[] = "watermark";
inline constexpr char kLastSyncKey[] = "lastSync";
inline constexpr char kCoveredFromKey[] = "coveredFrom"; ///< everything since then was listed once

} // namespace tg::langfusesync
