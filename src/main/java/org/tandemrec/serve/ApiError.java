package org.tandemrec.serve;

/** A request the server refuses: the HTTP status and one line saying why (and, for 429/503, when to retry). */
final class ApiError extends RuntimeException {
    private final int status;
    private final int retryAfterSeconds;

    ApiError(int status, String message) {
        this(status, message, 0);
    }

    ApiError(int status, String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    int status() {
        return status;
    }

    int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** 422: a field of the request has the wrong type or value, or is missing. */
    static ApiError field(String field, String problem) {
        return new ApiError(422, field + " " + problem);
    }
}
