package dyno.kubernetes;

import dyno.runtime.manager.DynoState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Maps a pod to the state {@code ps} shows: pending or creating containers is {@code starting};
 * running and ready is {@code up}; crash-looping, failed, or a web pod not ready within the boot
 * timeout (R10) is {@code crashed}; terminating or succeeded is {@code down}.
 */
final class PodStates {
    private static final Set<String> CRASH_REASONS = Set.of("CrashLoopBackOff", "Error", "OOMKilled",
            "ErrImagePull", "ImagePullBackOff", "CreateContainerConfigError", "InvalidImageName");

    private PodStates() {
    }

    /** The state of {@code pod} at {@code now}; a web pod gets {@code bootTimeout} to become ready. */
    static DynoState of(Pod pod, boolean web, Instant now, Duration bootTimeout) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return DynoState.DOWN;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Failed".equals(phase)) {
            return DynoState.CRASHED;
        }
        if ("Succeeded".equals(phase)) {
            return DynoState.DOWN;
        }
        if (crashing(pod)) {
            return DynoState.CRASHED;
        }
        if ("Running".equals(phase) && (ready(pod) || !web)) {
            return DynoState.UP;
        }
        if (web && bootTimedOut(pod, now, bootTimeout)) {
            return DynoState.CRASHED;
        }
        return DynoState.STARTING;
    }

    /** Whether {@code pod} is past its boot timeout without being ready. */
    static boolean bootTimedOut(Pod pod, Instant now, Duration bootTimeout) {
        Instant created = created(pod);
        return created != null && !ready(pod) && Duration.between(created, now).compareTo(bootTimeout) > 0;
    }

    /** Whether the pod's Ready condition is true. */
    static boolean ready(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    static Instant created(Pod pod) {
        String t = pod.getMetadata().getCreationTimestamp();
        try {
            return t == null ? null : Instant.parse(t);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static boolean crashing(Pod pod) {
        List<ContainerStatus> statuses = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
        if (statuses == null) {
            return false;
        }
        for (ContainerStatus s : statuses) {
            if (s.getState() != null && s.getState().getWaiting() != null
                    && CRASH_REASONS.contains(s.getState().getWaiting().getReason())) {
                return true;
            }
            if (s.getState() != null && s.getState().getTerminated() != null) {
                return true;
            }
        }
        return false;
    }
}
