package dyno.kubernetes;

import dyno.runtime.app.App;
import dyno.runtime.app.ProcessType;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoListener;
import dyno.runtime.manager.DynoState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the cluster says of an app, as dynos: watches its pods and the web Service's endpoint
 * slices (informers), and on each {@link #look} turns them into the dynos {@code ps} shows
 * ({@link PodStates}), tells the {@link DynoListener} of every state change (a dyno gone is told
 * {@code down}) and the {@link EndpointListener} of every endpoint change. The
 * {@link KubernetesRuntime} asks the API server for changes; this class only reads.
 *
 * <p>Threads. Informer events only call the {@code onChange} given to {@link #watch}, from the
 * informers' threads; everything else runs on the runtime thread, but {@link #start} (on the thread
 * that starts the runtime, after {@link #watch}) and {@link #close}.
 */
final class PodWatch implements AutoCloseable {
    private static final long RESYNC_MS = 30_000;

    private final KubernetesClient client;
    private final App app;
    private final KubernetesSettings settings;
    private final DynoListener listener;
    private final EndpointListener endpoints;
    private final Clock clock;
    private final EndpointTable table = new EndpointTable();
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<EndpointSlice> slices;
    /** The last state of each dyno and since when. */
    private final Map<String, DynoInfo> last = new HashMap<>();
    /** The dynos whose pod was running at the last look. */
    private final Set<String> running = new HashSet<>();

    PodWatch(KubernetesClient client, App app, KubernetesSettings settings, DynoListener listener,
             EndpointListener endpoints, Clock clock) {
        this.client = client;
        this.app = app;
        this.settings = settings;
        this.listener = listener;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    /** Makes the informers of the app's pods and web endpoint slices, not started yet; any change calls {@code onChange}. */
    void watch(Runnable onChange) {
        ResourceEventHandler<HasMetadata> poke = new Poke(onChange);
        pods = KubernetesException.api(client, "watch pods", () -> client.pods().inNamespace(settings.namespace())
                .withLabels(Labels.app(app.name())).runnableInformer(RESYNC_MS));
        pods.addEventHandler(cast(poke));
        slices = KubernetesException.api(client, "watch endpoint slices", () -> client.discovery().v1().endpointSlices()
                .inNamespace(settings.namespace()).withLabel(Labels.SERVICE_NAME, Labels.service(app.name()))
                .runnableInformer(RESYNC_MS));
        slices.addEventHandler(cast(poke));
    }

    /** Starts both informers and waits for their first lists; not on the runtime thread, which their events call. */
    void start() {
        startInformer(pods, "watch pods");
        startInformer(slices, "watch endpoint slices");
    }

    private void startInformer(SharedIndexInformer<?> informer, String doing) {
        try {
            informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw KubernetesException.of(doing + " in namespace " + settings.namespace(),
                    KubernetesException.server(client), e.getCause());
        } catch (TimeoutException e) {
            throw new KubernetesException("kubernetes: cannot " + doing + ": no first list from "
                    + KubernetesException.server(client) + " within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesException("kubernetes: interrupted while starting to " + doing, e);
        }
    }

    /** Whether {@link #watch} was called: there is something to look at. */
    boolean watching() {
        return pods != null;
    }

    /** The app's pods as last listed. */
    List<Pod> pods() {
        return pods.getStore().list();
    }

    /**
     * Looks at the slices and pods again: tells the endpoint listener, then the dyno listener, what
     * changed, and returns the dynos in name order; an idled web ({@code webIdled}) with no pod left
     * shows as one {@code idle} dyno.
     */
    List<DynoInfo> look(Formation formation, boolean webIdled) {
        // endpoints first: the router registers a ready pod before the intent stops holding
        table.update(slices.getStore().list(), "http", endpoints);
        Instant now = clock.instant();
        Map<String, DynoInfo> next = new TreeMap<>();
        running.clear();
        for (Pod pod : pods.getStore().list()) {
            String type = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(Labels.TYPE);
            if (type == null || formation.entry(type).isEmpty()) {
                continue;
            }
            DynoInfo info = info(pod, type, formation, now);
            next.put(info.name(), info);
            if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())) {
                running.add(info.name());
            }
        }
        if (webIdled && next.values().stream().noneMatch(DynoInfo::isWeb)) {
            String name = Labels.deployment(app.name(), "web");
            DynoInfo before = last.get(name);
            next.put(name, dyno(name, "web", DynoState.IDLE, 0, Instant.EPOCH,
                    before != null && before.state() == DynoState.IDLE ? before.updatedAt() : now, formation));
        }
        for (DynoInfo d : next.values()) {
            DynoInfo before = last.get(d.name());
            if (before == null || before.state() != d.state()) {
                if (before != null) {
                    event(d.name(), "State changed from " + before.state().id() + " to " + d.state().id());
                }
                listener.stateChanged(d, before == null ? DynoState.DOWN : before.state());
            }
        }
        for (DynoInfo gone : last.values()) {
            if (!next.containsKey(gone.name())) {
                listener.stateChanged(dyno(gone.name(), gone.type(), DynoState.DOWN, 0, gone.createdAt(), now, formation),
                        gone.state());
            }
        }
        last.clear();
        last.putAll(next);
        return List.copyOf(next.values());
    }

    /** Whether any web pod is listed ready in a slice, at the last look. */
    boolean anyReady() {
        return table.endpoints().values().stream().anyMatch(PodEndpoint::ready);
    }

    /** The dynos whose pod was running at the last look: the ones whose logs to follow. */
    Set<String> running() {
        return Set.copyOf(running);
    }

    private DynoInfo info(Pod pod, String type, Formation formation, Instant now) {
        String name = pod.getMetadata().getName();
        boolean web = type.equals("web");
        DynoState state = PodStates.of(pod, web, now, settings.bootTimeout());
        DynoInfo before = last.get(name);
        if (state == DynoState.CRASHED && (before == null || before.state() != DynoState.CRASHED)
                && web && PodStates.bootTimedOut(pod, now, settings.bootTimeout())) {
            event(name, "Error R10 (Boot timeout) -> Web process not ready within "
                    + settings.bootTimeout().toSeconds() + " seconds of launch");
        }
        Instant created = Objects.requireNonNullElse(PodStates.created(pod), now);
        Instant updated = before != null && before.state() == state ? before.updatedAt() : now;
        PodEndpoint endpoint = table.endpoints().get(name);
        int port = endpoint != null ? endpoint.address().getPort() : web ? settings.port() : 0;
        return new DynoInfo(name, type, state, formation.entry(type).orElseThrow().size(),
                app.procfile().require(type).command(), port, 0, created, updated, 0, false);
    }

    private DynoInfo dyno(String name, String type, DynoState state, int port, Instant created, Instant now,
                          Formation formation) {
        return new DynoInfo(name, type, state, formation.entry(type).map(FormationEntry::size)
                .orElse(DynoSize.STANDARD_1X), app.procfile().type(type)
                .map(ProcessType::command).orElse(""), port, 0, created, now, 0, false);
    }

    private void event(String dyno, String message) {
        listener.log(new LogLine(clock.instant(), LogLine.DYNO, dyno, message));
    }

    /** Stops both informers. */
    @Override
    public void close() {
        if (pods != null) {
            pods.close();
        }
        if (slices != null) {
            slices.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> ResourceEventHandler<T> cast(ResourceEventHandler<HasMetadata> handler) {
        return (ResourceEventHandler<T>) (ResourceEventHandler<?>) handler;
    }

    /** Any change to a pod or a slice: look again (the runtime thread does). */
    private static final class Poke implements ResourceEventHandler<HasMetadata> {
        private final Runnable onChange;

        Poke(Runnable onChange) {
            this.onChange = onChange;
        }

        @Override
        public void onAdd(HasMetadata obj) {
            onChange.run();
        }

        @Override
        public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
            onChange.run();
        }

        @Override
        public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
            onChange.run();
        }
    }
}
