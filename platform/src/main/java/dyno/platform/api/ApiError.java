package dyno.platform.api;

/** A refused API request: the status and Heroku's error {@code id} ({@code invalid_params}, {@code not_found}...). */
final class ApiError extends RuntimeException {
    final int status;
    final String id;

    ApiError(int status, String id, String message) {
        super(message);
        this.status = status;
        this.id = id;
    }

    static ApiError invalid(String message) {
        return new ApiError(422, "invalid_params", message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "not_found", message);
    }
}
