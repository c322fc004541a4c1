package dyno.kubernetes;

import java.util.Locale;
import java.util.Map;

/** The labels and annotations Dyno puts on what it creates, and the names it gives them. */
final class Labels {
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String APP = "dyno.dev/app";
    static final String TYPE = "dyno.dev/type";
    /** On a web Deployment the idler scaled to 0: the next request scales it back. */
    static final String IDLED = "dyno.dev/idled";
    /** The label endpoint slices carry to name their Service. */
    static final String SERVICE_NAME = "kubernetes.io/service-name";

    private Labels() {
    }

    /** The labels of every object of {@code app}. */
    static Map<String, String> app(String app) {
        return ordered(Map.of(MANAGED_BY, "dyno", APP, dnsLabel(app)));
    }

    /** The labels of the pods of one process type. */
    static Map<String, String> type(String app, String type) {
        return ordered(Map.of(MANAGED_BY, "dyno", APP, dnsLabel(app), TYPE, type)); // type names are label-safe (ProcessType)
    }

    /** In key order, so that label selectors and manifests read the same on every run. */
    private static Map<String, String> ordered(Map<String, String> labels) {
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
    }

    /** The Deployment of a process type: {@code APP-TYPE}, in DNS label form. */
    static String deployment(String app, String type) {
        return dnsLabel(app + "-" + type);
    }

    /** The Service in front of the web pods. */
    static String service(String app) {
        return deployment(app, "web");
    }

    static String dnsLabel(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        return s.length() > 50 ? s.substring(0, 50).replaceAll("-+$", "") : s;
    }
}
