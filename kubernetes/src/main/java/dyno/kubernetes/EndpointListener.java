package dyno.kubernetes;

/**
 * Hears the web pods' endpoints change, on the runtime's thread; return quickly. The platform
 * bridges these calls to the router's registry, so that the router never sees Kubernetes types.
 */
public interface EndpointListener {
    /** {@code endpoint} appeared or changed (became ready, not ready, or terminating). */
    void changed(PodEndpoint endpoint);

    /** The endpoint of {@code dyno} is gone from every slice. */
    void removed(String dyno);
}
