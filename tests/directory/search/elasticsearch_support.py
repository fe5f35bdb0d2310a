"""Helpers for tests against a real Elasticsearch server (no fakes).

The server's URL comes from the ``elasticsearch_url`` fixture when the test
session has one (``tests/conftest.py``), else from ``ELASTICSEARCH_URL``.
Without a server the test is skipped locally and fails under ``CI=true``.
Every backend made here gets an index prefix unique to this test session and
backend, and its indices are deleted when the test ends.
"""

from __future__ import annotations

import itertools
import os
import uuid

import pytest

from directory.search.elasticsearch import ElasticsearchBackend

SESSION = uuid.uuid4().hex[:8]
_counter = itertools.count()


def elasticsearch_url(request) -> str:
    try:
        url = request.getfixturevalue("elasticsearch_url")
    except pytest.FixtureLookupError:
        url = os.environ.get("ELASTICSEARCH_URL", "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no Elasticsearch server is configured (ELASTICSEARCH_URL)")
        pytest.skip("no Elasticsearch server (set ELASTICSEARCH_URL or run `make test`)")
    return url


def backend_config(url: str, **extra) -> dict:
    """A ``DIRECTORY_SEARCH_BACKEND`` value with a prefix no other test uses."""
    return {
        "BACKEND": "directory.search.elasticsearch.ElasticsearchBackend",
        "URL": url,
        "INDEX_PREFIX": f"test-{SESSION}-{next(_counter)}",
        "TIMEOUT": 2.0,
        **extra,
    }


def make_elasticsearch_backend(request, **options) -> ElasticsearchBackend:
    url = elasticsearch_url(request)
    config = {k.lower(): v for k, v in backend_config(url).items() if k != "BACKEND"}
    config.update(options)
    backend = ElasticsearchBackend(**config)
    request.addfinalizer(lambda: _clean_up(backend))
    return backend


def _clean_up(backend: ElasticsearchBackend) -> None:
    # The backend's own client may be closed already (the fixture closes it).
    from elasticsearch import Elasticsearch

    from directory.search.index import CompanyIndex

    client = Elasticsearch(backend.urls, request_timeout=30)
    try:
        CompanyIndex(client, backend.index.prefix).delete_all()
    finally:
        client.close()


# -- a private server that a test may stop and start -------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_elasticsearch_home() -> str | None:
    """An unpacked Elasticsearch distribution: ``ELASTICSEARCH_HOME`` or one the scripts made."""
    import glob
    from pathlib import Path

    explicit = os.environ.get("ELASTICSEARCH_HOME")
    if explicit:
        return explicit
    repo = Path(__file__).resolve().parents[3]
    patterns = [
        str(repo / ".cache" / "elasticsearch" / "elasticsearch-*"),
        str(repo / ".cache" / "elasticsearch-*"),
        str(repo / "var" / "elasticsearch" / "elasticsearch-*"),
        "/tmp/es-dev/elasticsearch-*",
    ]
    for pattern in patterns:
        for candidate in sorted(glob.glob(pattern), reverse=True):
            if os.path.exists(os.path.join(candidate, "bin", "elasticsearch")):
                return candidate
    return None


class PrivateElasticsearch:
    """A real Elasticsearch node of our own, on a free port, that a test can stop and start.

    Tests of outages stop *this* process by its PID (never the shared server
    other tests use) and start it again on the same data, as an operator would.
    """

    def __init__(self, home: str):
        import shutil
        import tempfile

        self.home = home
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.root = tempfile.mkdtemp(prefix="es-private-")
        self.config = os.path.join(self.root, "config")
        shutil.copytree(os.path.join(home, "config"), self.config)
        for name in ("data", "logs"):
            os.makedirs(os.path.join(self.root, name))
        with open(os.path.join(self.config, "elasticsearch.yml"), "w") as config:
            config.write(
                "discovery.type: single-node\n"
                "xpack.security.enabled: false\n"
                "network.host: 127.0.0.1\n"
                f"http.port: {self.port}\n"
                f"transport.port: {_free_port()}\n"
                f"path.data: {self.root}/data\n"
                f"path.logs: {self.root}/logs\n"
                "cluster.routing.allocation.disk.threshold_enabled: false\n"
            )
        self.pidfile = os.path.join(self.root, "pid")
        self.user = self._user()
        if self.user:
            shutil.chown(self.root, self.user)
            for directory, dirs, files in os.walk(self.root):
                for name in dirs + files:
                    shutil.chown(os.path.join(directory, name), self.user)
        self.pid: int | None = None

    @staticmethod
    def _user() -> str | None:
        """Elasticsearch refuses to run as root: pick (or make) an unprivileged user."""
        import pwd
        import subprocess

        if os.geteuid() != 0:
            return None
        candidates = [
            os.environ.get("SERVICE_USER"),
            "platform-svc",
            "elasticsearch",
            "esdev",
            "es-test",
        ]
        for name in filter(None, candidates):
            try:
                pwd.getpwnam(name)
                return name
            except KeyError:
                continue
        useradd = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin"]
        subprocess.run([*useradd, "es-test"], check=True)  # noqa: S603, S607 - fixed arguments
        return "es-test"

    def _java_home(self) -> str:
        import shutil

        if os.environ.get("ES_JAVA_HOME"):
            return os.environ["ES_JAVA_HOME"]
        java = os.path.realpath(shutil.which("java") or "/usr/bin/java")
        return os.path.dirname(os.path.dirname(java))

    def start(self, timeout: float = 90) -> None:
        """Start the node and wait until it answers; one retry, as a busy machine can
        make a restart trip over the previous process's last moments."""
        try:
            self._start(timeout)
        except RuntimeError:
            import time

            time.sleep(3)
            self._start(timeout)

    def _start(self, timeout: float) -> None:
        import subprocess

        if os.path.exists(self.pidfile):
            os.remove(self.pidfile)
        env_args = [
            f"ES_PATH_CONF={self.config}",
            "ES_JAVA_OPTS=-Xms256m -Xmx256m",
            f"ES_JAVA_HOME={self._java_home()}",
        ]
        command = [
            "env",
            *env_args,
            os.path.join(self.home, "bin", "elasticsearch"),
            "-d",
            "-p",
            self.pidfile,
        ]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        started = subprocess.run(command, timeout=timeout, capture_output=True, text=True)  # noqa: S603
        if started.returncode != 0:
            log = os.path.join(self.root, "logs", "elasticsearch.log")
            tail = ""
            if os.path.exists(log):
                with open(log) as lines:
                    tail = lines.read()[-3000:]
            raise RuntimeError(
                f"Elasticsearch did not start ({started.returncode}): "
                f"{started.stdout[-2000:]}{started.stderr[-2000:]}\n{tail}"
            )
        self.wait_until_healthy(timeout)
        with open(self.pidfile) as pidfile:
            self.pid = int(pidfile.read().strip())

    def wait_until_healthy(self, timeout: float = 90) -> None:
        import time
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                # Yellow: every primary shard is open again, so searches can answer.
                health = f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=5s"
                with urllib.request.urlopen(health, timeout=10) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"private Elasticsearch at {self.url} did not become healthy")

    def stop(self, timeout: float = 60) -> None:
        """Stop the process by its PID and wait until it has exited."""
        import signal
        import time

        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not os.path.exists(f"/proc/{pid}"):
                return
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)

    def pause(self) -> None:
        """Freeze the process (SIGSTOP): it accepts connections but never answers."""
        import signal

        os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        import signal

        os.kill(self.pid, signal.SIGCONT)

    def remove(self) -> None:
        import shutil

        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def private_elasticsearch_server():
    """Yield a started :class:`PrivateElasticsearch` (use as a fixture body), then remove it."""
    home = find_elasticsearch_home()
    if home is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no unpacked Elasticsearch distribution was found")
        pytest.skip("no unpacked Elasticsearch distribution (set ELASTICSEARCH_HOME)")
    server = PrivateElasticsearch(home)
    server.start()
    yield server
    server.remove()


def cleaned_up_settings(request) -> dict:
    """A ``DIRECTORY_SEARCH_BACKEND`` value whose indices are deleted when the test ends."""
    prefix = make_elasticsearch_backend(request).index.prefix
    config = backend_config(elasticsearch_url(request))
    config["INDEX_PREFIX"] = prefix
    return config
