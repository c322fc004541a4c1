package dyno.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * A request to the Kubernetes API server failed, said in one line a user can act on: unreachable
 * (which server), forbidden (which verb on which resource, and that RBAC decides), or the
 * server's own message.
 */
public final class KubernetesException extends RuntimeException {

    public KubernetesException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Makes a request to {@code client}'s API server; a failure becomes the one-line form of what it was {@code doing}. */
    static <T> T api(KubernetesClient client, String doing, Callable<T> call) {
        try {
            return call.call();
        } catch (IllegalArgumentException | KubernetesException e) {
            throw e;
        } catch (Exception e) {
            throw of(doing, server(client), e);
        }
    }

    /** The API server's URL, as a user would write it. */
    static String server(KubernetesClient client) {
        return client.getMasterUrl().toString().replaceAll("/+$", "");
    }

    /** The one-line form of {@code e}, which happened while {@code doing} against {@code server}. */
    static KubernetesException of(String doing, String server, Throwable failure) {
        KubernetesClientException e = find(failure);
        if (e == null) {
            return unreachable(failure)
                    ? new KubernetesException(cannotReach(doing, server, failure), failure)
                    : new KubernetesException("kubernetes: cannot " + doing + ": " + rootMessage(failure), failure);
        }
        if (e.getCode() == 403) {
            return new KubernetesException("kubernetes: forbidden to " + doing + " (HTTP 403): the account in use lacks"
                    + " an RBAC permission; see docs/kubernetes.md#rbac", e);
        }
        if (e.getCode() == 401) {
            return new KubernetesException("kubernetes: unauthorized to " + doing + " (HTTP 401): check the credentials"
                    + " of the current kubeconfig context", e);
        }
        if (e.getCode() < 100 && unreachable(e)) { // no HTTP answer at all
            return new KubernetesException(cannotReach(doing, server, e), e);
        }
        String status = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : rootMessage(e);
        return new KubernetesException("kubernetes: cannot " + doing + (e.getCode() > 0 ? " (HTTP " + e.getCode() + ")" : "")
                + ": " + status, e);
    }

    private static String cannotReach(String doing, String server, Throwable e) {
        return "kubernetes: cannot reach the API server at " + server + " to " + doing + " (" + rootMessage(e)
                + "); check KUBECONFIG or ~/.kube/config and that the cluster is up";
    }

    private static KubernetesClientException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k) {
                return k;
            }
        }
        return null;
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof TimeoutException
                    || t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
