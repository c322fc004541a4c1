package dyno.runtime.release;

/** A release whose release phase failed: it was not deployed, and the message says why. */
public final class ReleaseFailedException extends RuntimeException {
    private final Release release;

    public ReleaseFailedException(Release release, String message) {
        super(message);
        this.release = release;
    }

    /** The release that failed. */
    public Release release() {
        return release;
    }
}
