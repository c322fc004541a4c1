package dyno.kubernetes;

import static java.util.Objects.requireNonNull;

import dyno.runtime.app.App;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.formation.ScaleChange;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.AppIntent;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoListener;
import dyno.runtime.manager.DynoRuntime;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an app's formation on Kubernetes: one Deployment per process type, replicas for the
 * quantity, pods for dynos (named after the pod), a rolling restart that starts a new pod before
 * it stops an old one, and the web pods' endpoints from EndpointSlices for the router.
 *
 * <pre>{@code
 * KubernetesRuntime runtime = new KubernetesRuntime(Kubeconfig.client(), app,
 *         KubernetesSettings.of("ghcr.io/me/app:1", "default"), dynoListener, endpointListener);
 * runtime.start(app.defaultFormation());
 * runtime.scale(List.of("web=3")).join();
 * runtime.close(); // deletes the Deployments and the Service
 * }</pre>
 *
 * <p>This class asks the API server for changes (Deployments, the Service, scaling, rollouts, pod
 * deletions); its {@link PodWatch} reads what the cluster makes of them (pods and endpoint slices,
 * as dynos and endpoints). All state is owned by one runtime thread, which also makes every API
 * call and every look; informer events only ask it to look again. Public methods may be called
 * from any thread.
 */
public final class KubernetesRuntime implements DynoRuntime {
    private static final Logger logger = LoggerFactory.getLogger(KubernetesRuntime.class);
    private static final long REFRESH_MS = 250;

    private final KubernetesClient client;
    private final App app;
    private final KubernetesSettings settings;
    private final DynoListener listener;
    private final Clock clock;
    private final ScheduledExecutorService exec;
    private final PodWatch watch;
    private final PodLogs logs;
    private volatile Formation formation = Formation.of(List.of());
    private volatile List<DynoInfo> snapshot = List.of();
    private volatile AppIntent intent = AppIntent.STOPPED;
    private volatile boolean closed;
    /** Whether start created anything: close deletes only then (a refused start changes nothing). */
    private volatile boolean created;
    /** Idled, waking, ever up: what the router should do with a request; runtime thread only. */
    private final WebIntent web = new WebIntent();

    /** A runtime for {@code app} through {@code client}; nothing is created before {@link #start}. */
    public KubernetesRuntime(KubernetesClient client, App app, KubernetesSettings settings, DynoListener listener,
                             EndpointListener endpoints) {
        this(client, app, settings, listener, endpoints, Clock.systemUTC());
    }

    KubernetesRuntime(KubernetesClient client, App app, KubernetesSettings settings, DynoListener listener,
                      EndpointListener endpoints, Clock clock) {
        this.client = requireNonNull(client, "client");
        this.app = requireNonNull(app, "app");
        this.settings = requireNonNull(settings, "settings");
        this.listener = requireNonNull(listener, "listener");
        this.clock = requireNonNull(clock, "clock");
        this.watch = new PodWatch(client, app, settings, listener, requireNonNull(endpoints, "endpoints"), clock);
        this.logs = new PodLogs(client, settings.namespace(), clock, listener::log);
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dyno-kubernetes");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Checks access, creates or replaces the Deployments and the web Service for {@code initial},
     * and starts watching pods and endpoint slices. Fails with a one-line {@link KubernetesException}
     * (unreachable, forbidden), having created nothing, when the namespace cannot be listed.
     */
    @Override
    public void start(Formation initial) {
        requireNonNull(initial, "initial");
        join(call(() -> {
            api("list deployments in namespace " + settings.namespace(),
                    () -> client.apps().deployments().inNamespace(settings.namespace()).withLabels(Labels.app(app.name())).list());
            Formation fitted = app.fit(initial);
            created = true;
            for (FormationEntry e : fitted.entries()) {
                Deployment d = Manifests.deployment(app.name(), e, app.procfile().require(e.type()).command(), app.env(), settings);
                api("create deployment " + d.getMetadata().getName(),
                        () -> client.resource(d).inNamespace(settings.namespace()).createOr(NonDeletingOperation::update));
            }
            if (fitted.entry("web").isPresent()) {
                var service = Manifests.service(app.name(), settings);
                api("create service " + service.getMetadata().getName(),
                        () -> client.resource(service).inNamespace(settings.namespace()).createOr(NonDeletingOperation::update));
            }
            formation = fitted;
            watch.watch(this::poke);
            return null;
        }));
        // outside the runtime thread: the informers' first lists call back into it
        watch.start();
        exec.scheduleWithFixedDelay(this::refresh, 0, REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public Formation formation() {
        return formation;
    }

    @Override
    public List<DynoInfo> dynos() {
        return snapshot;
    }

    @Override
    public AppIntent intent() {
        return intent;
    }

    @Override
    public CompletableFuture<Formation> scale(List<String> arguments) {
        return call(() -> apply(ScaleChange.applyAll(formation, ScaleChange.parseAll(arguments))));
    }

    @Override
    public CompletableFuture<Formation> update(Formation next) {
        return call(() -> {
            Formation fitted = formation;
            for (FormationEntry e : next.entries()) {
                app.procfile().require(e.type());
                fitted = fitted.with(e);
            }
            return apply(fitted);
        });
    }

    /**
     * A type (or all types, for null) gets a rolling restart, which the Deployment runs with
     * maxUnavailable 0; one dyno (a pod name) is deleted and its Deployment starts another.
     * Completes once asked, not once done.
     */
    @Override
    public CompletableFuture<Void> restart(String target) {
        return call(() -> {
            List<String> types = target == null ? formation.entries().stream().map(FormationEntry::type).toList()
                    : formation.entry(target).isPresent() ? List.of(target) : List.of();
            if (!types.isEmpty()) {
                for (String type : types) {
                    event(type, "Restarting");
                    api("restart deployment " + Labels.deployment(app.name(), type), () -> deployment(type).rolling().restart());
                }
                return null;
            }
            Pod pod = watch.pods().stream().filter(p -> p.getMetadata().getName().equals(target)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("dyno: " + target
                            + " (expected: a process type or a dyno listed by ps)"));
            event(target, "Stopping");
            api("delete pod " + target, () -> client.pods().inNamespace(settings.namespace())
                    .withName(pod.getMetadata().getName()).delete());
            return null;
        });
    }

    /** Scales web to 0 and marks its Deployment idled; {@code ps} shows one idle web dyno. */
    @Override
    public CompletableFuture<Void> idle(String name) {
        return call(() -> {
            if (web.idled()) {
                return null;
            }
            event(name, "Idling");
            api("idle deployment", () -> deployment("web").edit(d -> {
                d.getSpec().setReplicas(0);
                if (d.getMetadata().getAnnotations() == null) {
                    d.getMetadata().setAnnotations(new HashMap<>());
                }
                d.getMetadata().getAnnotations().put(Labels.IDLED, "true");
                return d;
            }));
            web.idle();
            refresh();
            return null;
        });
    }

    /** Scales an idled web back to its formation quantity; the pod reports {@code up} later. */
    @Override
    public CompletableFuture<Void> wake(String name) {
        return call(() -> {
            if (!web.idled()) {
                return null;
            }
            event(name, "Unidling");
            int quantity = formation.quantity("web");
            api("wake deployment", () -> deployment("web").edit(d -> {
                d.getSpec().setReplicas(quantity);
                if (d.getMetadata().getAnnotations() != null) {
                    d.getMetadata().getAnnotations().remove(Labels.IDLED);
                }
                return d;
            }));
            web.wake();
            refresh();
            return null;
        });
    }

    /** Stops watching and deletes the app's Deployments and Service ({@code dyno down}). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            call(() -> {
                closed = true;
                publishIntent(AppIntent.STOPPED);
                try {
                    if (!created) {
                        return null;
                    }
                    client.apps().deployments().inNamespace(settings.namespace()).withLabels(Labels.app(app.name())).delete();
                    client.services().inNamespace(settings.namespace()).withLabels(Labels.app(app.name())).delete();
                } catch (KubernetesClientException e) {
                    logger.warn("cannot delete the Deployments of {}: {}", app.name(), e.getMessage());
                }
                return null;
            }).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            logger.warn("closing the Kubernetes runtime of {} failed", app.name(), e);
        } finally {
            closed = true;
            watch.close();
            logs.close();
            exec.shutdownNow();
        }
    }

    /** Scales through the scale subresource; a size change edits the pod template (a rollout). */
    private Formation apply(Formation next) {
        for (FormationEntry e : next.entries()) {
            Deployment current = deployment(e.type()).get();
            if (current == null) {
                continue; // not created at start: the type has no Deployment to scale
            }
            var wanted = Manifests.resources(e.size());
            var container = current.getSpec().getTemplate().getSpec().getContainers().get(0);
            boolean resize = !Objects.equals(container.getResources(), wanted);
            boolean rescale = !Objects.equals(current.getSpec().getReplicas(), e.quantity())
                    || e.type().equals("web") && web.idled();
            if (resize) {
                api("resize deployment " + current.getMetadata().getName(), () -> deployment(e.type()).edit(d -> {
                    d.getSpec().getTemplate().getSpec().getContainers().get(0).setResources(wanted);
                    d.getSpec().setReplicas(e.quantity());
                    if (d.getMetadata().getAnnotations() != null) {
                        d.getMetadata().getAnnotations().remove(Labels.IDLED);
                    }
                    return d;
                }));
            } else if (rescale) {
                api("scale deployment " + current.getMetadata().getName(), () -> deployment(e.type()).scale(e.quantity()));
            }
            if (e.type().equals("web") && (resize || rescale)) {
                web.userChanged(); // a user's ps:scale web=0 is stopped, not asleep: H14
            }
        }
        formation = next;
        refresh();
        return next;
    }

    private RollableScalableResource<Deployment> deployment(String type) {
        return client.apps().deployments().inNamespace(settings.namespace()).withName(Labels.deployment(app.name(), type));
    }

    /** Looks at pods and slices again; tells the listeners what changed. Runtime thread only. */
    private void refresh() {
        if (closed || !watch.watching()) {
            return;
        }
        try {
            snapshot = watch.look(formation, web.idled());
            publishIntent(web.of(snapshot.stream().filter(DynoInfo::isWeb).toList(), watch.anyReady(),
                    formation.quantity("web")));
            logs.follow(watch.running());
        } catch (RuntimeException e) {
            logger.warn("refreshing the dynos of {} failed", app.name(), e);
        }
    }

    /** A pod or a slice changed (an informer thread): look again on the runtime thread. */
    private void poke() {
        if (!closed) {
            try {
                exec.execute(this::refresh);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void publishIntent(AppIntent next) {
        if (next != intent) {
            intent = next;
            listener.intentChanged(next);
        }
    }

    private void event(String dyno, String message) {
        listener.log(new LogLine(clock.instant(), LogLine.DYNO, dyno, message));
    }

    private <T> T api(String doing, Callable<T> call) {
        return KubernetesException.api(client, doing, call);
    }

    private <T> CompletableFuture<T> call(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            exec.execute(() -> {
                try {
                    f.complete(task.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new IllegalStateException("the Kubernetes runtime is stopped"));
        }
        return f;
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
