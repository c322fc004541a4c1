package dyno.kubernetes;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the cluster's controllers and kubelets against a {@link MockCluster}, which has none: it
 * turns each Deployment into Pods (rolling updates with maxSurge 1 and maxUnavailable 0, as the
 * Deployment asks), "runs" each web pod as a real HTTP server on 127.0.0.1 that answers with the
 * pod's name, and publishes one EndpointSlice per web pod (pods sharing one IP with distinct ports
 * cannot share a slice's port list). A stopping pod is listed as terminating for the stop pause and
 * keeps serving meanwhile, like a pod with a {@code preStop} sleep. A container whose command
 * contains {@code never-ready} runs but never becomes ready.
 */
public final class FakeController implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(FakeController.class);

    private final MockCluster cluster;
    private final KubernetesClient client;
    private final String namespace;
    private final Duration stopPause;
    private final ScheduledExecutorService loop;
    private final ExecutorService servers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-pod");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, FakePod> pods = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    /** Requests each pod answered, by pod name. */
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();

    /**
     * Reconciles {@code namespace} of {@code cluster} every 50 ms until closed. Each pod's log reads
     * {@code listening on PORT as POD}.
     */
    public FakeController(MockCluster cluster, String namespace, Duration stopPause) {
        this.cluster = cluster;
        this.client = cluster.client();
        this.namespace = namespace;
        this.stopPause = stopPause;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fake-controller");
            t.setDaemon(true);
            return t;
        });
        loop.scheduleWithFixedDelay(this::reconcileQuietly, 0, 50, TimeUnit.MILLISECONDS);
    }

    /** How many requests {@code pod} answered. */
    public int served(String pod) {
        AtomicInteger n = served.get(pod);
        return n == null ? 0 : n.get();
    }

    /** The names of the pods this controller runs and has not begun to stop. */
    public List<String> live() {
        return pods.values().stream().filter(p -> !p.terminating).map(p -> p.name).sorted().toList();
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pods.values().forEach(p -> {
            if (p.server != null) {
                p.server.stop(0);
            }
        });
        servers.shutdownNow();
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (KubernetesClientException e) {
            logger.debug("fake controller: {}", e.getMessage());
        } catch (RuntimeException e) {
            logger.warn("fake controller failed", e);
        }
    }

    private void reconcile() {
        Map<String, Deployment> deployments = new HashMap<>();
        client.apps().deployments().inNamespace(namespace).list().getItems()
                .forEach(d -> deployments.put(d.getMetadata().getName(), d));
        List<String> existing = client.pods().inNamespace(namespace).list().getItems().stream()
                .map(p -> p.getMetadata().getName()).toList();
        for (FakePod p : List.copyOf(pods.values())) {
            // deleted by someone (ps:stop), or its Deployment is gone (down): stop it
            if (!p.terminating && (!existing.contains(p.name) || !deployments.containsKey(p.deployment))) {
                terminate(p);
            }
        }
        for (FakePod p : List.copyOf(pods.values())) {
            if (!p.started && !p.terminating) {
                boot(p);
            }
        }
        for (Deployment d : deployments.values()) {
            roll(d);
        }
    }

    /** One step towards the Deployment's wish, with maxSurge 1 and maxUnavailable 0. */
    private void roll(Deployment d) {
        String name = d.getMetadata().getName();
        String hash = Integer.toHexString(d.getSpec().getTemplate().hashCode());
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        List<FakePod> live = pods.values().stream().filter(p -> p.deployment.equals(name) && !p.terminating).toList();
        List<FakePod> current = live.stream().filter(p -> p.hash.equals(hash)).toList();
        List<FakePod> old = live.stream().filter(p -> !p.hash.equals(hash)).toList();
        long ready = live.stream().filter(p -> p.ready).count();
        if (current.size() < replicas && live.size() < replicas + 1) {
            create(d, hash);
            return;
        }
        if (!old.isEmpty()) {
            FakePod unready = old.stream().filter(p -> !p.ready).findFirst().orElse(null);
            if (unready != null) {
                terminate(unready);
            } else if (ready > replicas || replicas == 0) {
                terminate(old.get(0));
            }
            return;
        }
        if (current.size() > replicas) {
            terminate(current.stream().filter(p -> !p.ready).findFirst().orElse(current.get(current.size() - 1)));
        }
    }

    private void create(Deployment d, String hash) {
        String name = d.getMetadata().getName() + "-" + hash + "-" + sequence.incrementAndGet();
        var template = d.getSpec().getTemplate();
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                .withLabels(template.getMetadata().getLabels()).addToLabels("pod-template-hash", hash)
                .withCreationTimestamp(Instant.now().toString()).endMetadata()
                .withSpec(template.getSpec())
                .withNewStatus().withPhase("Pending").endStatus()
                .build();
        cluster.server().expect().get().withPath("/api/v1/namespaces/" + namespace + "/pods/" + name
                + "/log?pretty=false&follow=true").andReturn(200, "listening as " + name + "\n").always();
        client.pods().inNamespace(namespace).resource(pod).create();
        String command = String.join(" ", template.getSpec().getContainers().get(0).getCommand());
        boolean web = "web".equals(template.getMetadata().getLabels().get(Labels.TYPE));
        pods.put(name, new FakePod(name, d.getMetadata().getName(), hash, web, command.contains("never-ready")));
    }

    /** Starts the pod's "container": a server for a web pod, then reports it running (and ready). */
    private void boot(FakePod p) {
        p.started = true;
        boolean ready = !p.neverReady;
        if (p.web && ready) {
            try {
                p.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            AtomicInteger count = served.computeIfAbsent(p.name, k -> new AtomicInteger());
            byte[] body = p.name.getBytes(StandardCharsets.UTF_8);
            p.server.createContext("/", ex -> {
                try (ex) {
                    ex.getRequestBody().readAllBytes();
                    count.incrementAndGet();
                    ex.sendResponseHeaders(200, body.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            p.server.setExecutor(servers);
            p.server.start();
        }
        Pod pod = client.pods().inNamespace(namespace).withName(p.name).get();
        if (pod == null) {
            return;
        }
        pod.getStatus().setPhase("Running");
        pod.getStatus().setPodIP("127.0.0.1");
        pod.getStatus().setConditions(List.of(new PodConditionBuilder().withType("Ready")
                .withStatus(ready ? "True" : "False").build()));
        pod.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("c").withReady(ready)
                .withRestartCount(0).withNewState().withNewRunning().withStartedAt(Instant.now().toString())
                .endRunning().endState().build()));
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
        p.ready = ready;
        if (p.web) {
            publish(p, ready, false);
        }
    }

    /** Lists the pod as terminating (still serving), then after the stop pause stops and removes it. */
    private void terminate(FakePod p) {
        p.terminating = true;
        if (p.web && p.started) {
            publish(p, false, true);
        }
        loop.schedule(() -> {
            if (p.server != null) {
                p.server.stop(1);
            }
            try {
                client.discovery().v1().endpointSlices().inNamespace(namespace).withName(slice(p)).delete();
                client.pods().inNamespace(namespace).withName(p.name).delete();
            } catch (KubernetesClientException e) {
                logger.debug("fake controller: {}", e.getMessage());
            }
            pods.remove(p.name);
        }, stopPause.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void publish(FakePod p, boolean ready, boolean terminating) {
        String service = p.deployment; // the Service of web has the web Deployment's name
        EndpointSlice slice = new EndpointSliceBuilder()
                .withNewMetadata().withName(slice(p)).withNamespace(namespace)
                .addToLabels(Labels.SERVICE_NAME, service).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("http").withPort(p.server == null ? 1 : p.server.getAddress().getPort())
                .withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("127.0.0.1")
                .withNewConditions().withReady(ready).withServing(ready || terminating && p.server != null)
                .withTerminating(terminating).endConditions()
                .withNewTargetRef().withKind("Pod").withName(p.name).withNamespace(namespace).endTargetRef()
                .endEndpoint()
                .build();
        client.resource(slice).inNamespace(namespace).createOr(op -> op.update());
    }

    private static String slice(FakePod p) {
        return p.name + "-slice";
    }

    private static final class FakePod {
        final String name;
        final String deployment;
        final String hash;
        final boolean web;
        final boolean neverReady;
        volatile boolean started;
        volatile boolean ready;
        volatile boolean terminating;
        volatile HttpServer server;

        FakePod(String name, String deployment, String hash, boolean web, boolean neverReady) {
            this.name = name;
            this.deployment = deployment;
            this.hash = hash;
            this.web = web;
            this.neverReady = neverReady;
        }
    }
}
