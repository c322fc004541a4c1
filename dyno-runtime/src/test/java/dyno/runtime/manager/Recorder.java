package dyno.runtime.manager;

import dyno.runtime.log.LogLine;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Collects what a manager reports. */
final class Recorder implements DynoListener {
    final List<LogLine> lines = new CopyOnWriteArrayList<>();
    final List<String> transitions = new CopyOnWriteArrayList<>();
    final List<AppIntent> intents = new CopyOnWriteArrayList<>();
    volatile Function<DynoInfo, CompletionStage<Void>> beforeStop = d -> CompletableFuture.completedFuture(null);

    @Override
    public void stateChanged(DynoInfo dyno, DynoState from) {
        transitions.add(dyno.name() + " " + from.id() + "->" + dyno.state().id());
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
    public CompletionStage<Void> beforeStop(DynoInfo dyno) {
        return beforeStop.apply(dyno);
    }

    /** Manager events of {@code dyno}, in order. */
    List<String> events(String dyno) {
        return lines.stream().filter(l -> l.source().equals(LogLine.DYNO) && l.dyno().equals(dyno))
                .map(LogLine::message).toList();
    }

    /** Process output of {@code dyno}, in order. */
    List<String> output(String dyno) {
        return lines.stream().filter(l -> l.source().equals(LogLine.APP) && l.dyno().equals(dyno))
                .map(LogLine::message).toList();
    }

    /** Every line as {@code dyno: message}, in order. */
    List<String> all() {
        return lines.stream().map(l -> l.dyno() + ": " + l.message()).toList();
    }

    long count(String dyno, String message) {
        return events(dyno).stream().filter(message::equals).count();
    }
}
