package dyno.platform.api;

/** {@code /dyno-sizes}: the sizes a formation may use, with their memory quotas. */
final class DynoSizeResource implements Resource {
    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/dyno-sizes", r -> r.json(200, Shapes.sizes()));
    }
}
