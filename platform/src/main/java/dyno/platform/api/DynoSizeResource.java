package dyno.platform.api;

import dyno.runtime.formation.DynoSize;

/** {@code /dyno-sizes}: the sizes a formation may use, with their memory quotas; one by name or id. */
final class DynoSizeResource implements Resource {
    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/dyno-sizes", r -> r.json(200, Shapes.sizes()));
        routes.add("GET", "/dyno-sizes/{size}", r -> {
            DynoSize size;
            try {
                size = DynoSize.parse(r.param("size"));
            } catch (IllegalArgumentException e) {
                throw ApiError.notFound("no dyno size \"" + r.param("size") + "\" (expected one of: " + DynoSize.allowed() + ")");
            }
            r.json(200, Shapes.size(size));
        });
    }
}
