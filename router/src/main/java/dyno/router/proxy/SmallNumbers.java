package dyno.router.proxy;

import io.netty.util.AsciiString;

/**
 * Header values for the small counts of milliseconds the router adds to every request
 * ({@code Connect-Time}, {@code Total-Route-Time}): shared constants below 1000, so the common case
 * allocates nothing; larger values are made as needed.
 */
final class SmallNumbers {
    private static final AsciiString[] CACHED = new AsciiString[1000];

    static {
        for (int i = 0; i < CACHED.length; i++) {
            CACHED[i] = AsciiString.cached(Integer.toString(i));
        }
    }

    private SmallNumbers() {
    }

    /** {@code n} in decimal. */
    static CharSequence of(long n) {
        return n >= 0 && n < CACHED.length ? CACHED[(int) n] : Long.toString(n);
    }
}
