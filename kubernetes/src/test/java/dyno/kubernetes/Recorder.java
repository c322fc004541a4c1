package dyno.kubernetes;

import dyno.runtime.log.LogLine;
import dyno.runtime.manager.AppIntent;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoListener;
import dyno.runtime.manager.DynoState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a {@link KubernetesRuntime} tells its listeners. */
final class Recorder implements DynoListener, EndpointListener {
    final List<LogLine> lines = new CopyOnWriteArrayList<>();
    final List<AppIntent> intents = new CopyOnWriteArrayList<>();
    final Map<String, PodEndpoint> endpoints = new ConcurrentHashMap<>();
    final List<String> removed = new CopyOnWriteArrayList<>();
    final List<String> transitions = new CopyOnWriteArrayList<>();

    @Override
    public void stateChanged(DynoInfo dyno, DynoState from) {
        transitions.add(dyno.name() + ":" + from.id() + "->" + dyno.state().id());
    }

    @Override
    public void intentChanged(AppIntent intent) {
        intents.add(intent);
    }

    @Override
    public void log(LogLine line) {
        lines.add(line);
    }

    @Override
    public void changed(PodEndpoint endpoint) {
        endpoints.put(endpoint.dyno(), endpoint);
    }

    @Override
    public void removed(String dyno) {
        endpoints.remove(dyno);
        removed.add(dyno);
    }

    List<PodEndpoint> ready() {
        return endpoints.values().stream().filter(PodEndpoint::ready).toList();
    }

    boolean logged(String text) {
        return lines.stream().anyMatch(l -> l.message().contains(text));
    }
}
