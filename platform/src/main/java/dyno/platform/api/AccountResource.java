package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * {@code GET /account}: the one local account that owns the daemon's app, {@value #EMAIL}; what
 * {@code heroku auth:whoami} prints and {@code heroku ps} compares with the app's owner.
 */
final class AccountResource implements Resource {
    static final String EMAIL = "dyno@localhost";
    static final String ID = Shapes.id("account", EMAIL);

    private final Instant since;

    /** @param since when the account came to be: the daemon's start */
    AccountResource(Instant since) {
        this.since = requireNonNull(since, "since");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/account", r -> r.json(200, account()));
    }

    /** {@code {"id": ..., "email": "dyno@localhost"}}, how an app names its owner. */
    static ObjectNode ref() {
        return JSON.createObjectNode().put("id", ID).put("email", EMAIL);
    }

    private ObjectNode account() {
        ObjectNode n = ref();
        n.put("name", "Dyno");
        n.put("allow_tracking", false);
        n.put("beta", false);
        n.put("verified", true);
        n.put("federated", false);
        n.put("two_factor_authentication", false);
        n.putNull("default_organization");
        n.putNull("default_team");
        n.putNull("identity_provider");
        n.putNull("last_login");
        n.putNull("sms_number");
        n.putNull("suspended_at");
        n.putNull("delinquent_at");
        n.put("created_at", Shapes.iso(since));
        n.put("updated_at", Shapes.iso(since));
        return n;
    }
}
