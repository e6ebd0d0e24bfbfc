"""Prometheus metrics of one app (`prometheus_client`, its own registry): requests by route and status, latency
histograms, refusals by reason, the query workers (busy, restarts by reason), and writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from govkg.engine.runner import RunnerStatus

__all__ = ["CONTENT_TYPE", "Metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # the Prometheus text exposition format
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    """The app's counters and histograms; `runner` reports the query workers when scraped."""

    def __init__(self, runner: Callable[[], RunnerStatus]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "govkg_requests", "HTTP requests answered", ["route", "method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "govkg_request_seconds", "Time to answer a request", ["route"], buckets=BUCKETS, registry=self.registry
        )
        self.refusals = Counter("govkg_refusals", "Requests refused, by reason", ["reason"], registry=self.registry)
        self.timeouts = Counter("govkg_query_timeouts", "Queries stopped at their deadline", registry=self.registry)
        self.writes = Counter("govkg_writes", "Writes, by outcome", ["outcome"], registry=self.registry)
        self.registry.register(_Workers(runner))

    def request(self, route: str, method: str, status: str, seconds: float) -> None:
        """Count one answered request and its latency."""
        self.requests.labels(route, method, status).inc()
        self.latency.labels(route).observe(seconds)

    def refused(self, reason: str) -> None:
        """Count one refusal (an error answer), by its reason."""
        self.refusals.labels(reason).inc()

    def text(self) -> bytes:
        """Every metric in the Prometheus text format."""
        return generate_latest(self.registry)


class _Workers(Collector):
    """The runner's state, read when scraped."""

    def __init__(self, status: Callable[[], RunnerStatus]) -> None:
        self.status = status

    def collect(self) -> Iterator[Metric]:
        status = self.status()
        workers = GaugeMetricFamily("govkg_query_workers", "Query workers, by state", labels=["state"])
        workers.add_metric(["busy"], status.busy)
        workers.add_metric(["free"], status.free)
        yield workers
        yield CounterMetricFamily("govkg_query_workers_started", "Query workers started", value=status.started)
        restarts = CounterMetricFamily(
            "govkg_query_worker_restarts", "Query workers killed or lost, by reason", labels=["reason"]
        )
        for reason in ("deadline", "memory", "lost", "retired"):
            restarts.add_metric([reason], status.restarts.get(reason, 0))
        yield restarts
