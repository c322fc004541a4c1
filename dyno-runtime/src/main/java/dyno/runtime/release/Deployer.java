package dyno.runtime.release;

import static java.util.Objects.requireNonNull;

import dyno.runtime.app.ProcessType;
import dyno.runtime.manager.DynoManager;
import dyno.runtime.manager.OneOff;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Deploys releases, one at a time and in order, Heroku's way: the Procfile's {@code release}
 * command runs once as a one-off dyno with the new config; only if it exits 0 does the release
 * succeed, and every dyno then restarts onto it, rolling (web dynos prebooted). A failed release
 * leaves the dynos on the one before. Also where {@code .env} edits become releases.
 */
public final class Deployer implements AutoCloseable {
    private final Releases releases;
    private final DynoManager manager;
    private final Supplier<Map<String, String>> envFile;
    private final ExecutorService queue = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dyno-deployer");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param envFile reads the {@code .env} file as it is now (its edits are picked up at start
     *     and on {@link #restart})
     */
    public Deployer(Releases releases, DynoManager manager, Supplier<Map<String, String>> envFile) {
        this.releases = requireNonNull(releases, "releases");
        this.manager = requireNonNull(manager, "manager");
        this.envFile = requireNonNull(envFile, "envFile");
    }

    /** The releases deployed here. */
    public Releases releases() {
        return releases;
    }

    /**
     * Before any dyno starts ({@code dyno up}): takes a changed Procfile (a deploy) and {@code .env}
     * edits into a new release, runs the release phase of the latest release, and has the manager
     * start dynos on it. Blocks; throws {@link ReleaseFailedException} when the release phase fails
     * (nothing then starts).
     */
    public Release prepare() {
        Map<String, String> env = envFile.get();
        Map<String, String> changes = releases.envChanges(env);
        String procfile = digest(manager.app().procfile());
        boolean deploy = releases.procfileChanged(procfile);
        Release target;
        if (!changes.isEmpty() || deploy) {
            String why = changes.isEmpty() ? "" : describe(".env edited", changes);
            target = releases.create(deploy ? "Deploy: Procfile changed" + (why.isEmpty() ? "" : "; " + why) : why, changes);
            releases.envTaken(env);
        } else {
            target = releases.latest(); // one that failed before is tried again: its command may be fixed
        }
        try {
            runReleasePhase(target);
        } catch (ReleaseFailedException e) {
            if (target.status() != Release.Status.SUCCEEDED) {
                releases.finish(target.version(), Release.Status.FAILED);
            }
            throw e;
        }
        if (target.status() != Release.Status.SUCCEEDED) {
            target = releases.finish(target.version(), Release.Status.SUCCEEDED);
        }
        releases.procfileTaken(procfile);
        manager.useRelease(target.version(), target.config());
        return target;
    }

    /** SHA-256 of the Procfile's process types and commands, in order. */
    static String digest(dyno.runtime.app.Procfile procfile) {
        StringBuilder text = new StringBuilder();
        procfile.types().forEach(t -> text.append(t.name()).append(": ").append(t.command()).append('\n'));
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }

    /**
     * A config change ({@code config:set}, {@code config:unset}; a null value unsets): the release
     * is made at once (a bad name or value throws {@link IllegalArgumentException} and makes none),
     * and deployed in the background after those queued before it.
     */
    public synchronized Deployment change(String description, Map<String, String> changes) {
        Release r = releases.create(description, changes);
        return new Deployment(r, CompletableFuture.supplyAsync(() -> deploy(r), queue));
    }

    /**
     * {@code ps:restart}: when {@code .env} was edited since it was last read, a release with its
     * edits (which restarts every dyno); otherwise a rolling restart of {@code target} (all when null).
     */
    public CompletableFuture<Void> restart(String target) {
        Map<String, String> env = envFile.get();
        Map<String, String> changes = releases.envChanges(env);
        if (changes.isEmpty()) {
            return manager.restart(target);
        }
        Deployment d;
        synchronized (this) {
            d = change(describe(".env edited", changes), changes);
            releases.envTaken(env);
        }
        return d.deployed().thenApply(r -> null);
    }

    @Override
    public void close() {
        queue.shutdownNow();
    }

    private Release deploy(Release r) {
        try {
            runReleasePhase(r);
        } catch (ReleaseFailedException e) {
            releases.finish(r.version(), Release.Status.FAILED);
            throw e;
        }
        Release done = releases.finish(r.version(), Release.Status.SUCCEEDED);
        manager.useRelease(done.version(), done.config());
        manager.restart(null).join();
        return done;
    }

    /** Runs the Procfile's {@code release} command, if any, for {@code r}; throws when it fails. */
    private void runReleasePhase(Release r) {
        Optional<ProcessType> type = manager.app().procfile().releaseType();
        if (type.isEmpty()) {
            return;
        }
        String command = type.get().command();
        int status;
        try {
            OneOff run = manager.runOnce("release", command, r.config(), r.version()).get();
            status = run.exit().get();
        } catch (ExecutionException e) {
            throw new ReleaseFailedException(r, "release v" + r.version() + " failed: the release command `" + command
                    + "` could not run (" + e.getCause().getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReleaseFailedException(r, "release v" + r.version() + " interrupted while its release command ran");
        }
        if (status != 0) {
            throw new ReleaseFailedException(r, "release v" + r.version() + " failed: the release command `" + command
                    + "` exited with status " + status + "; the dynos stay on v" + releases.current().version()
                    + " (see its output with: dyno logs --dyno release)");
        }
    }

    private static String describe(String what, Map<String, String> changes) {
        java.util.List<String> set = changes.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey).toList();
        java.util.List<String> unset = changes.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey).toList();
        StringBuilder b = new StringBuilder(what);
        if (!set.isEmpty()) {
            b.append(": set ").append(String.join(", ", set));
        }
        if (!unset.isEmpty()) {
            b.append(set.isEmpty() ? ": " : "; ").append("unset ").append(String.join(", ", unset));
        }
        return b.toString();
    }
}
