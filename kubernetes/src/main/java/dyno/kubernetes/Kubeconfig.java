package dyno.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The client for the cluster configured the standard way: {@code KUBECONFIG}, else
 * {@code ~/.kube/config}, else the in-cluster service account.
 */
public final class Kubeconfig {
    private Kubeconfig() {
    }

    /** A client for the current context; nothing is contacted until it is used. */
    public static KubernetesClient client() {
        return new KubernetesClientBuilder().build();
    }

    /** The current context's namespace, or {@code default}. */
    public static String namespace(KubernetesClient client) {
        String ns = client.getNamespace();
        return ns == null || ns.isBlank() ? "default" : ns;
    }
}
