package dyno.platform.api;

/**
 * One resource of the control API, as Heroku's Platform API schema groups them (account, app,
 * formation, dyno...): it adds its routes to the table. More resources are passed to
 * {@link ControlApi}'s constructor.
 */
@FunctionalInterface
public interface Resource {
    /** Adds this resource's routes to {@code routes}. */
    void register(RouteTable routes);
}
