package dyno.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Each dyno's requests/s and p95 in the history, from known requests fed through {@link RouterMetrics}. */
class TrafficHistoryTest {
    private static final long T0 = 1_700_000_000_000L;
    private final RouterMetrics router = new RouterMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    private final TrafficHistory history = new TrafficHistory(300);

    /** What {@code Metrics} does each second, for the given registered dynos and queue. */
    private void sample(long at, int queued, String... registered) {
        Map<String, TrafficHistory.DynoSample> dynos = new LinkedHashMap<>();
        for (String name : registered) {
            dynos.put(name, new TrafficHistory.DynoSample(router.requests(name), router.intervalServiceMicros(name)));
        }
        history.sample(at, router.totalRequests(), router.errorsByCode(), router.intervalServiceMicros(), queued, dynos);
    }

    private void served(String dyno, int n, long millis) {
        for (int i = 0; i < n; i++) {
            router.requestCompleted(dyno, 200, null, 0, millis * 1_000_000);
        }
    }

    @Test
    void eachDynoHasItsRequestsPerSecondAndP95OfTheInterval() {
        sample(T0, 0, "web.1", "web.2");
        served("web.1", 30, 10);
        served("web.2", 10, 200);
        router.requestCompleted(null, 503, "H14", -1, -1); // reached no dyno: in no dyno's count
        sample(T0 + 2000, 3, "web.1", "web.2");

        List<TrafficHistory.Point> points = history.points();
        assertThat(points).hasSize(1);
        TrafficHistory.Point p = points.get(0);
        assertThat(p.requestsPerSecond()).isEqualTo(20.5);
        assertThat(p.queued()).isEqualTo(3);
        assertThat(p.dynos()).containsOnlyKeys("web.1", "web.2");
        assertThat(p.dynos().get("web.1").requestsPerSecond()).isEqualTo(15.0);
        assertThat(p.dynos().get("web.1").p95Ms()).isCloseTo(10.0, within(0.1));
        assertThat(p.dynos().get("web.2").requestsPerSecond()).isEqualTo(5.0);
        assertThat(p.dynos().get("web.2").p95Ms()).isCloseTo(200.0, within(2.0));
    }

    @Test
    void aDynoP95LooksTenSecondsBackAndItsRateIsOfTheLastSecond() {
        sample(T0, 0, "web.1");
        served("web.1", 99, 5); // 99 fast requests, then 1 slow a second later: the p95 stays fast...
        sample(T0 + 1000, 0, "web.1");
        served("web.1", 1, 900);
        sample(T0 + 2000, 0, "web.1");
        TrafficHistory.DynoTraffic second = history.points().get(1).dynos().get("web.1");
        assertThat(second.requestsPerSecond()).isEqualTo(1.0);
        assertThat(second.p95Ms()).isCloseTo(5.0, within(0.1));
        assertThat(history.recent().get("web.1").requestsPerSecond()).isEqualTo(50.0);

        // ...until the fast ones are more than ten seconds old; then idle seconds have no p95
        for (int s = 3; s <= 11; s++) {
            sample(T0 + s * 1000L, 0, "web.1");
        }
        TrafficHistory.DynoTraffic eleventh = history.points().get(10).dynos().get("web.1");
        assertThat(eleventh.requestsPerSecond()).isZero();
        assertThat(eleventh.p95Ms()).isCloseTo(900.0, within(9.0));
        assertThat(history.recent().get("web.1").requestsPerSecond()).isEqualTo(0.1);
        sample(T0 + 12_000, 0, "web.1");
        assertThat(history.points().get(11).dynos().get("web.1").p95Ms()).isNull();
        assertThat(history.recent().get("web.1")).isEqualTo(new TrafficHistory.DynoTraffic(0, null));
    }

    @Test
    void aDynoThatLeftIsDroppedAndComesBackWithoutItsOldCount() {
        sample(T0, 0, "web.1", "web.2");
        served("web.2", 50, 10);
        sample(T0 + 1000, 0, "web.1", "web.2");
        sample(T0 + 2000, 0, "web.1"); // web.2 scaled away
        assertThat(history.points().get(1).dynos()).containsOnlyKeys("web.1");
        assertThat(history.recent()).containsOnlyKeys("web.1");

        served("web.2", 4, 10); // a straggler while it was gone: counted when it comes back
        sample(T0 + 3000, 0, "web.1", "web.2");
        served("web.2", 6, 10);
        sample(T0 + 4000, 0, "web.1", "web.2");
        assertThat(history.points().get(2).dynos().get("web.2").requestsPerSecond()).isEqualTo(4.0);
        assertThat(history.points().get(3).dynos().get("web.2").requestsPerSecond()).isEqualTo(6.0);
        assertThat(history.recent().get("web.2").requestsPerSecond()).isEqualTo(5.0);
    }

    @Test
    void withoutDynosOrQueueThePointsAreAsBefore() {
        history.sample(T0, 0, Map.of(), new Histogram(3));
        Histogram h = new Histogram(3);
        h.recordValue(2000);
        history.sample(T0 + 1000, 7, Map.of("H12", 1L), h);
        TrafficHistory.Point p = history.points().get(0);
        assertThat(p.requestsPerSecond()).isEqualTo(7.0);
        assertThat(p.errorsPerSecond()).containsEntry("H12", 1.0);
        assertThat(p.queued()).isZero();
        assertThat(p.dynos()).isEmpty();
    }
}
