package dyno.router.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code dyno router --help} with its options grouped as HAProxy's documentation groups settings
 * (listener, TLS, backends and balancing, timeouts, health checks, logging, configuration, runtime API)
 * instead of one long list. Options of no group (help, version) come last.
 */
public final class RouterHelp {
    private static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("Listener and client connections", List.of("--port", "--host", "--threads", "--max-connections",
                "--max-connections-per-client", "--header-timeout", "--max-head-size", "--max-concurrent-streams"));
        GROUPS.put("TLS (HTTPS listener)", List.of("--tls-cert", "--tls-key", "--tls-port", "--tls-engine"));
        GROUPS.put("Backends and balancing", List.of("--backend", "--balance", "--affinity", "--max-inflight-per-dyno",
                "--queue-timeout", "--slow-start"));
        GROUPS.put("Timeouts", List.of("--connect-timeout", "--request-timeout", "--idle-timeout", "--dyno-keepalive"));
        GROUPS.put("Health checks", List.of("--health-path", "--health-interval", "--health-timeout", "--health-fall",
                "--health-rise", "--health-status", "--health-host"));
        GROUPS.put("Logging", List.of("--access-log", "--access-log-format"));
        GROUPS.put("Configuration file", List.of("--config"));
        GROUPS.put("Runtime API, metrics and dashboard", List.of("--api-port", "--metrics-public", "--dir"));
    }

    private RouterHelp() {
    }

    /** Makes {@code cli}'s usage help list its options by group; returns {@code cli}. */
    public static CommandLine install(CommandLine cli) {
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> {
            StringBuilder out = new StringBuilder();
            List<OptionSpec> rest = new ArrayList<>(help.commandSpec().options());
            GROUPS.forEach((heading, names) -> {
                List<OptionSpec> group = new ArrayList<>();
                for (String n : names) {
                    OptionSpec o = help.commandSpec().findOption(n);
                    if (o != null) {
                        group.add(o);
                        rest.remove(o);
                    }
                }
                if (!group.isEmpty()) {
                    out.append(String.format("%n%s:%n", heading)).append(list(help, group));
                }
            });
            if (!rest.isEmpty()) {
                out.append(String.format("%n")).append(list(help, rest));
            }
            return out.toString();
        });
        return cli;
    }

    private static String list(CommandLine.Help help, List<OptionSpec> options) {
        return help.optionListExcludingGroups(options, help.createDefaultLayout(), null,
                help.createDefaultParamLabelRenderer());
    }
}
