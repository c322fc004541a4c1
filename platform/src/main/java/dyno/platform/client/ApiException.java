package dyno.platform.client;

/** The control API refused a request, or could not be reached ({@code status} 0). */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** HTTP status, 0 when the daemon could not be reached. */
    public int status() {
        return status;
    }
}
