package dyno.platform.daemon;

import dyno.runtime.log.LogLine;
import dyno.runtime.manager.AppIntent;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoListener;
import dyno.runtime.manager.DynoState;
import java.util.concurrent.CompletionStage;

/**
 * Passes the manager's events to a primary listener, which decides when a dyno may be stopped
 * (the router bridge), and to an observer that only watches (metrics).
 */
final class TeeListener implements DynoListener {
    private final DynoListener primary;
    private final DynoListener observer;

    TeeListener(DynoListener primary, DynoListener observer) {
        this.primary = primary;
        this.observer = observer;
    }

    @Override
    public void stateChanged(DynoInfo dyno, DynoState from) {
        primary.stateChanged(dyno, from);
        observer.stateChanged(dyno, from);
    }

    @Override
    public void intentChanged(AppIntent intent) {
        primary.intentChanged(intent);
        observer.intentChanged(intent);
    }

    @Override
    public void log(LogLine line) {
        primary.log(line);
        observer.log(line);
    }

    @Override
    public CompletionStage<Void> beforeStop(DynoInfo dyno) {
        return primary.beforeStop(dyno);
    }
}
