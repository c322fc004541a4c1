package dyno.router.select;

/** Picks the dyno for one request. Called on event loops concurrently: no locks, no allocation. */
@FunctionalInterface
public interface SelectionStrategy {

    /** Chooses among a non-empty snapshot. */
    Dyno select(Snapshot candidates);
}
