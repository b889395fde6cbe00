"""What the operating system knows about a `cairn serve` and its embedded PostgreSQL: which processes hold a
listening port, a process's environment, the cluster's postmaster and its children. Linux only (/proc)."""

import os
import signal
import time


def _listening_inodes(port: int) -> set:
    """Socket inodes listening on `port` (TCP, IPv4 and IPv6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    local, state, inode = fields[1], fields[3], fields[9]
                    if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                        inodes.add(inode)
        except FileNotFoundError:
            pass
    return inodes


def pids_holding_port(port: int) -> dict:
    """{pid: command name} of every process with a descriptor on a socket that listens on `port`."""
    targets = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    holders = {}
    if not targets:
        return holders
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                if os.readlink(f"/proc/{entry}/fd/{fd}") in targets:
                    holders[int(entry)] = command_name(int(entry))
                    break
        except OSError:
            continue
    return holders


def command_name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def environment(pid: int) -> dict:
    with open(f"/proc/{pid}/environ", "rb") as f:
        entries = [e for e in f.read().split(b"\0") if e]
    return dict(e.decode(errors="replace").split("=", 1) if b"=" in e else (e.decode(), "") for e in entries)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def postmaster_pid(data_dir: str):
    """The pid of the embedded cluster's postmaster under `data_dir`, or None when it is not running."""
    try:
        with open(os.path.join(data_dir, "postgres", "postmaster.pid")) as f:
            pid = int(f.readline().strip())
    except (OSError, ValueError):
        return None
    return pid if alive(pid) else None


def children(pid: int) -> list:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return found


def kill_postgres(data_dir: str) -> int:
    """kill -9 of the embedded PostgreSQL (the postmaster and every process it started), as a crash would;
    returns the postmaster's pid."""
    pid = postmaster_pid(data_dir)
    assert pid is not None, "the embedded PostgreSQL is not running"
    for victim in [pid, *children(pid)]:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return pid


def wait_for(condition, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Polls `condition` until it returns a true value (returned) or `timeout` seconds pass (AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
