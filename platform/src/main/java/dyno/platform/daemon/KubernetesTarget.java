package dyno.platform.daemon;

import static java.util.Objects.requireNonNull;

import dyno.kubernetes.Kubeconfig;
import dyno.kubernetes.KubernetesSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.function.Supplier;

/**
 * The cluster {@code dyno up --runtime kubernetes} runs the dynos in: the settings (image,
 * namespace) and where its client comes from (the kubeconfig; a mock server in tests).
 */
public record KubernetesTarget(KubernetesSettings settings, Supplier<KubernetesClient> client) {
    public KubernetesTarget {
        requireNonNull(settings, "settings");
        requireNonNull(client, "client");
    }

    /**
     * {@code image} in {@code namespace} (null: the kubeconfig context's, else {@code default}) of the
     * cluster found the standard way: {@code KUBECONFIG}, {@code ~/.kube/config}, the service account.
     */
    public static KubernetesTarget kubeconfig(String image, String namespace) {
        if (image == null || image.isBlank()) {
            KubernetesSettings.of(image, "default"); // the one message for a missing image
        }
        if (namespace != null) {
            return new KubernetesTarget(KubernetesSettings.of(image, namespace), Kubeconfig::client);
        }
        KubernetesClient client = Kubeconfig.client();
        return new KubernetesTarget(KubernetesSettings.of(image, Kubeconfig.namespace(client)), () -> client);
    }
}
