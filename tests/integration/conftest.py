"""The real stack: Celery worker and beat processes on Redis, scripts/prod.sh, against the test database.

Redis down is a failure, not a skip. Every process started here is stopped (its whole process group) at the
end of its test. Redis database 5 is this suite's; each test process has a queue of its own (xdist workers
share the database), emptied before and after.
"""
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("INTEGRATION_BROKER_URL", "redis://127.0.0.1:6379/5")
CELERY = str(Path(sys.executable).with_name("celery"))
QUEUE = f"integration-{os.getpid()}"


def wait_until(check, seconds: float, what: str, step: float = 0.25):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def database_url() -> str:
    """The test database (pytest-django's, per xdist worker) as a URL for a subprocess."""
    db = connection.settings_dict
    assert db["ENGINE"] == "django.db.backends.postgresql", "the real stack runs on PostgreSQL"
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def stack_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_SETTINGS"))}
    env.update({"DATABASE_URL": database_url(), "CELERY_BROKER_URL": BROKER, "CELERY_QUEUE": QUEUE,
                "MEDIA_ROOT": str(settings.MEDIA_ROOT), "DJANGO_SETTINGS_MODULE": "config.settings",
                "PYTHONUNBUFFERED": "1", **extra})
    return env


def start(args, log: Path, **env) -> subprocess.Popen:
    """A process in a session of its own, so that stopping it reaches everything it forked."""
    return subprocess.Popen(args, cwd=ROOT, env=stack_env(**env), stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(process: subprocess.Popen, sig=signal.SIGTERM, seconds=20) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


@dataclass
class Worker:
    process: subprocess.Popen
    app: object
    name: str
    log: Path

    def conf(self) -> dict:
        """The worker's own configuration, as it reports it over the broker."""
        replies = self.app.control.inspect([self.name], timeout=3).conf(with_defaults=True) or {}
        return replies[self.name]


@pytest.fixture(scope="module")
def broker():
    """Redis must be up (a failure otherwise); the suite's queue starts empty."""
    client = redis.Redis.from_url(BROKER, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {BROKER}: {exc} (bash scripts/services.sh starts it)")
    client.delete(QUEUE)
    yield client
    client.delete(QUEUE)


@pytest.fixture(scope="module")
def queued(broker):
    """This process sends tasks to Redis (no eager mode) and the approval form is rendered by a worker."""
    from django.test import override_settings

    from config.celery import app

    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=QUEUE)
    _fresh_pool(app)
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, APPROVAL_FORM_PRERENDER=True):
        yield app
    app.conf.update(saved)
    _fresh_pool(app)


def _fresh_pool(app) -> None:
    """Connections to the old broker are closed; the next send opens one to the current broker_url."""
    from kombu import pools

    pools.reset()  # kombu's registry of pools, keyed by connection: closed and emptied
    app._pool = None
    app.amqp._producer_pool = None  # it holds the old pool (the control mailbox sends through it)


@pytest.fixture(scope="module")
def worker(queued, tmp_path_factory, django_db_setup):
    """A real `celery -A config worker` on Redis and the test database (one per module); answers a ping first."""
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    name = f"{QUEUE}@localhost"
    process = start([CELERY, "-A", "config", "worker", "--pool", "solo", "--loglevel", "INFO", "-Q", QUEUE,
                     "--hostname", name, "--without-mingle", "--without-gossip"], log)
    try:
        wait_until(lambda: process.poll() is not None or queued.control.ping([name], timeout=0.5), 40,
                   "the worker to answer a ping")
        assert process.poll() is None, log.read_text()
        yield Worker(process, queued, name, log)
    finally:
        stop(process)
