package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;

/** {@code GET /apps/{app}/addons}: always empty, Dyno provisions no add-ons ({@code heroku apps:info} lists them). */
final class AddOnResource implements Resource {
    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/apps/{app}/addons", r -> r.json(200, JSON.createArrayNode()));
    }
}
