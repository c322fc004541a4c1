package dyno.platform.api;

/** A refused API request: the status and Heroku's error {@code id} ({@code invalid_params}, {@code not_found}...). */
public final class ApiError extends RuntimeException {
    final int status;
    final String id;

    /** An error answered as {@code status} with {@code {"id": id, "message": message}}. */
    public ApiError(int status, String id, String message) {
        super(message);
        this.status = status;
        this.id = id;
    }

    /** 422 {@code invalid_params}: the message names the field, the value and what was expected. */
    public static ApiError invalid(String message) {
        return new ApiError(422, "invalid_params", message);
    }

    /** 404 {@code not_found}. */
    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found", message);
    }
}
