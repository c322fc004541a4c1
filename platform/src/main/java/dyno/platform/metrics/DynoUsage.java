package dyno.platform.metrics;

/** Resident memory of one running dyno's process group against its quota, as last sampled. */
public record DynoUsage(String dyno, long residentBytes, long quotaBytes) {
}
