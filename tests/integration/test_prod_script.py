"""scripts/prod.sh (CONTRACT "Starting it"): it refuses to start without its services, serves on the given
address with gunicorn, a Celery worker and beat, and SIGTERM stops every process it started."""
import os
import signal
import socket
import subprocess
import urllib.request

import pytest

from .conftest import BROKER, ROOT, database_url, stack_env, wait_until

pytestmark = pytest.mark.postgres_only
SCRIPT = str(ROOT / "scripts" / "prod.sh")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(url) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except OSError:
        return 0


def _group(pgid: int) -> set[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,pgid=,stat="], capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()]
    return {int(pid) for pid, group, stat in rows if int(group) == pgid and not stat.startswith("Z")}


def _niceness(pgid: int, needle: str) -> set[int]:
    out = subprocess.run(["ps", "-o", "ni=,args=", "-g", str(pgid)], capture_output=True, text=True).stdout
    return {int(line.split(None, 1)[0]) for line in out.splitlines() if needle in line}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("unset,message", [("DATABASE_URL", "DATABASE_URL"), ("CELERY_BROKER_URL", "CELERY_BROKER_URL")])
def test_refuses_to_start_without_its_services(unset, message):
    env = {k: v for k, v in os.environ.items() if k != unset}
    result = subprocess.run(["bash", SCRIPT], env=env, capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert result.returncode == 2
    assert "错误" in result.stderr and message in result.stderr


@pytest.mark.django_db
def test_refuses_an_unreachable_broker():
    env = stack_env(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    result = subprocess.run(["bash", SCRIPT], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    assert "无法连接消息队列" in result.stderr + result.stdout


@pytest.mark.django_db
def test_serves_and_sigterm_stops_everything(tmp_path):
    port = _free_port()
    env = stack_env(BIND=f"127.0.0.1:{port}", WEB_WORKERS="2", CELERY_CONCURRENCY="1", COLLECTSTATIC="0",
                    CELERY_QUEUE=f"prod-sh-{port}")
    assert env["DATABASE_URL"] == database_url() and env["CELERY_BROKER_URL"] == BROKER
    log = tmp_path / "prod.log"
    script = subprocess.Popen(["bash", SCRIPT], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        wait_until(lambda: script.poll() is not None or _status(f"http://127.0.0.1:{port}/accounts/login/") == 200,
                   90, "HTTP 200 on /accounts/login/", step=0.5)
        assert script.poll() is None, log.read_text()
        names = subprocess.run(["ps", "-o", "args=", "-g", str(script.pid)], capture_output=True, text=True).stdout
        assert "gunicorn" in names and " worker " in names and " beat " in names, names
        assert _niceness(script.pid, " worker ") == {10}  # background work yields the CPU to requests
        assert _niceness(script.pid, "gunicorn") == {0}
        started = _group(script.pid)
        assert len(started) >= 5  # the script, gunicorn master and 2 workers, the Celery worker, beat
        script.send_signal(signal.SIGTERM)  # to the script alone: it must stop what it started
        script.wait(40)
        wait_until(lambda: not any(_alive(pid) for pid in started), 10, "every started process to end")
        assert not _group(script.pid)
    finally:
        if script.poll() is None or _group(script.pid):
            os.killpg(script.pid, signal.SIGKILL)
