package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;

/**
 * {@code GET /apps/{app}/collaborators}: the owner only, the local account; whoever else holds the
 * token is not told apart ({@code heroku apps:info} lists the others).
 */
final class CollaboratorResource implements Resource {
    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/apps/{app}/collaborators", r -> {
            var list = JSON.createArrayNode();
            list.addObject().put("role", "owner").set("user", AccountResource.ref());
            r.json(200, list);
        });
    }
}
