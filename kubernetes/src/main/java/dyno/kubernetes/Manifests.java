package dyno.kubernetes;

import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.FormationEntry;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the objects a formation maps to: one Deployment per process type (command through
 * {@code sh -c}, config vars plus {@code PORT} and {@code DYNO}, resources from the dyno size, a
 * rolling update that starts a new pod before it stops an old one) and a Service for web.
 */
final class Manifests {
    private Manifests() {
    }

    /** The Deployment running {@code entry} of {@code app} with {@code command}. */
    static Deployment deployment(String app, FormationEntry entry, String command, Map<String, String> config,
                                 KubernetesSettings settings) {
        boolean web = entry.type().equals("web");
        String name = Labels.deployment(app, entry.type());
        var container = new ContainerBuilder()
                .withName(Labels.dnsLabel(entry.type()))
                .withImage(settings.image())
                .withCommand("sh", "-c", command)
                .withEnv(env(config, settings.port()))
                .withResources(resources(entry.size()))
                // keeps serving while routers learn it is leaving, then gets SIGTERM
                .withNewLifecycle().withNewPreStop().withNewExec()
                .withCommand("sh", "-c", "sleep " + Math.max(0, settings.stopPause().toSeconds()))
                .endExec().endPreStop().endLifecycle();
        if (web) {
            container.addNewPort().withName("http").withContainerPort(settings.port()).endPort()
                    .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(settings.port())).endTcpSocket()
                    .withPeriodSeconds(1).endReadinessProbe();
        }
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withLabels(Labels.type(app, entry.type())).endMetadata()
                .withNewSpec()
                .withReplicas(entry.quantity())
                .withNewSelector().withMatchLabels(Labels.type(app, entry.type())).endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate().endStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(Labels.type(app, entry.type())).endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds(30L + settings.stopPause().toSeconds())
                .withContainers(container.build())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** The Service whose endpoint slices list the web pods. */
    static Service service(String app, KubernetesSettings settings) {
        return new ServiceBuilder()
                .withNewMetadata().withName(Labels.service(app)).withLabels(Labels.app(app)).endMetadata()
                .withNewSpec()
                .withSelector(Labels.type(app, "web"))
                .addNewPort().withName("http").withPort(settings.port()).withTargetPort(new IntOrString(settings.port())).endPort()
                .endSpec()
                .build();
    }

    /**
     * Memory request and limit at the size's quota (the kernel's OOM kill stands in for R14/R15);
     * a CPU request of one core per 512 MB of quota, no CPU limit (Heroku's shares are relative).
     */
    static ResourceRequirements resources(DynoSize size) {
        Quantity memory = new Quantity(size.memoryMb() + "Mi");
        Quantity cpu = new Quantity(cpuMillis(size) + "m");
        return new ResourceRequirementsBuilder()
                .withRequests(Map.of("memory", memory, "cpu", cpu))
                .withLimits(Map.of("memory", memory))
                .build();
    }

    /** The CPU request of {@code size} in millicores. */
    static int cpuMillis(DynoSize size) {
        return switch (size) {
            case ECO, BASIC -> 100;
            case STANDARD_1X -> 250;
            case STANDARD_2X -> 500;
            case PERFORMANCE_M -> 2000;
            case PX, PERFORMANCE_L -> 8000;
        };
    }

    private static List<EnvVar> env(Map<String, String> config, int port) {
        List<EnvVar> env = new ArrayList<>();
        new TreeMap<>(config).forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        env.removeIf(e -> e.getName().equals("PORT") || e.getName().equals("DYNO"));
        env.add(new EnvVar("PORT", Integer.toString(port), null));
        // the pod's own name: one per dyno, as DYNO=web.1 is locally
        env.add(new EnvVarBuilder().withName("DYNO").withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.name").endFieldRef().endValueFrom().build());
        return env;
    }
}
