package dyno.runtime.formation;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Dyno sizes with their memory quotas (Heroku's values) and CPU: shared sizes get a share, a
 * multiple of the machine's 1X share ({@code --cpu-per-1x}, Heroku's "CPU share" 1x, 2x);
 * Performance sizes get dedicated cores (Heroku's 100%: Performance-M 2, Performance-L 8, PX 8 as
 * the legacy Performance-L). Names are case-insensitive.
 */
public enum DynoSize {
    ECO("eco", "Eco", 512, 1, 0),
    BASIC("basic", "Basic", 512, 1, 0),
    STANDARD_1X("standard-1x", "Standard-1X", 512, 1, 0),
    STANDARD_2X("standard-2x", "Standard-2X", 1024, 2, 0),
    PX("px", "PX", 6144, 0, 8),
    PERFORMANCE_M("performance-m", "Performance-M", 2560, 0, 2),
    PERFORMANCE_L("performance-l", "Performance-L", 14336, 0, 8);

    private final String id;
    private final String displayName;
    private final int memoryMb;
    private final int cpuShare;
    private final int dedicatedCores;

    DynoSize(String id, String displayName, int memoryMb, int cpuShare, int dedicatedCores) {
        this.id = id;
        this.displayName = displayName;
        this.memoryMb = memoryMb;
        this.cpuShare = cpuShare;
        this.dedicatedCores = dedicatedCores;
    }

    /** CPU share of a shared size in 1X shares (1 for 1X, 2 for 2X); 0 for a size with dedicated cores. */
    public int cpuShare() {
        return cpuShare;
    }

    /** Cores a Performance size has to itself (capped at the machine's); 0 for a shared size. */
    public int dedicatedCores() {
        return dedicatedCores;
    }

    /** Cores this size may use on a machine of {@code machineCores} when a 1X share is {@code cpuPer1x} cores. */
    public double cpuCores(double cpuPer1x, int machineCores) {
        return dedicatedCores > 0 ? Math.min(dedicatedCores, machineCores) : Math.min(cpuShare * cpuPer1x, machineCores);
    }

    /** Lower-case API name, e.g. {@code standard-1x}. */
    public String id() {
        return id;
    }

    /** Name as shown to users, e.g. {@code Standard-1X}. */
    public String displayName() {
        return displayName;
    }

    /** Memory quota in MB. */
    public int memoryMb() {
        return memoryMb;
    }

    /** Memory quota in bytes. */
    public long memoryBytes() {
        return memoryMb * 1024L * 1024L;
    }

    /** Whether a lone web dyno of this size sleeps when idle. */
    public boolean idles() {
        return this == ECO || this == BASIC || this == STANDARD_1X;
    }

    /** Parses a size name or alias ({@code 1x}, {@code 2x}), case-insensitively. */
    public static DynoSize parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        switch (n) {
            case "1x":
            case "standard-1x":
                return STANDARD_1X;
            case "2x":
            case "standard-2x":
                return STANDARD_2X;
            default:
                for (DynoSize size : values()) {
                    if (size.id.equals(n)) {
                        return size;
                    }
                }
                throw new IllegalArgumentException("size: \"" + name + "\" (expected one of: " + allowed() + ")");
        }
    }

    /** The accepted names, for error messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(s -> switch (s) {
            case STANDARD_1X -> "standard-1x (1x)";
            case STANDARD_2X -> "standard-2x (2x)";
            default -> s.id;
        }).collect(Collectors.joining(", "));
    }
}
