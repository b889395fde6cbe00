"""Seeded generators of realistic log lines: Apache combined access logs, RFC 5424 syslog, JSON application logs.

Field values follow skewed (Zipf-like) distributions over realistic pools, as real traffic does: a few clients,
paths and services dominate, status codes are mostly 2xx/3xx, sizes and latencies are log-normal.
A fraction `hit_rate` of lines carries the word SCANHIT, for the scan benchmark.
"""

import datetime
import json
import random

METHODS = ["GET"] * 80 + ["POST"] * 12 + ["PUT"] * 4 + ["DELETE"] * 2 + ["HEAD"] * 2
STATUSES = [200] * 78 + [304] * 8 + [301] * 2 + [404] * 7 + [401] * 2 + [500] * 2 + [503]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "curl/8.5.0", "python-requests/2.32.3", "Go-http-client/1.1", "kube-probe/1.30",
    "Googlebot/2.1 (+http://www.google.com/bot.html)", "Prometheus/2.53.0",
]
RESOURCES = ["users", "orders", "products", "carts", "sessions", "invoices", "search", "static", "api/v2/items", "health"]
SERVICES = ["checkout", "payments", "catalog", "auth", "gateway", "inventory", "shipping", "notifications"]
LEVELS = ["INFO"] * 70 + ["DEBUG"] * 15 + ["WARN"] * 10 + ["ERROR"] * 5
APP_MESSAGES = [
    "request completed", "cache miss, loading from database", "user authenticated", "payment authorized",
    "retrying upstream call", "order state changed", "connection pool exhausted, waiting", "validation failed",
    "scheduled job finished", "rate limit applied",
]
SYSLOG_APPS = ["sshd", "cron", "kernel", "systemd", "nginx", "postfix", "dockerd", "kubelet"]
SYSLOG_TEXT = {
    "sshd": ["Accepted publickey for deploy from {ip} port {port} ssh2", "Connection closed by {ip} port {port} [preauth]",
             "Failed password for invalid user admin from {ip} port {port} ssh2"],
    "cron": ["(root) CMD (/usr/local/bin/backup.sh --incremental)", "(www-data) CMD (php /var/www/artisan schedule:run)"],
    "kernel": ["TCP: request_sock_TCP: Possible SYN flooding on port 443.", "EXT4-fs (sda1): mounted filesystem with ordered data mode"],
    "systemd": ["Started Session {n} of user deploy.", "Starting Daily apt upgrade and clean activities..."],
    "nginx": ["upstream timed out (110: Connection timed out) while reading response header from upstream"],
    "postfix": ["connect from unknown[{ip}]", "disconnect from unknown[{ip}] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4"],
    "dockerd": ["container {hex} exited with code 0", "pulling image registry.internal/app:{n}"],
    "kubelet": ["Liveness probe failed: HTTP probe failed with statuscode: 503", "SyncLoop (PLEG): event for pod {hex}"],
}


class Corpus:
    def __init__(self, seed: int, hit_rate: float = 0.001):
        self.random = random.Random(seed)
        self.hit_rate = hit_rate
        r = self.random
        self.ips = [f"{r.randint(1, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}" for _ in range(5000)]
        self.paths = [self._path() for _ in range(400)]
        self.hosts = [f"ip-10-0-{r.randint(0, 15)}-{r.randint(1, 254)}" for _ in range(40)]
        self.users = [f"u{r.randint(10000, 99999)}" for _ in range(2000)]
        self.clock = datetime.datetime(2026, 11, 25, 12, 0, 0, tzinfo=datetime.timezone.utc)

    def _zipf(self, pool):
        # Rank-skewed choice: index ~ pool size ** u², most picks near the head of the pool.
        u = self.random.random()
        return pool[min(len(pool) - 1, int(len(pool) ** (u * u)) - 1)]

    def _path(self):
        r = self.random
        resource = r.choice(RESOURCES)
        path = f"/{resource}/{r.randint(1, 99999)}" if r.random() < 0.6 else f"/{resource}"
        if r.random() < 0.3:
            path += f"?page={r.randint(1, 40)}&sort={r.choice(['asc', 'desc'])}"
        return path

    def _tick(self):
        self.clock += datetime.timedelta(microseconds=self.random.randint(50, 3000))
        return self.clock

    def apache(self):
        r = self.random
        t = self._tick().strftime("%d/%b/%Y:%H:%M:%S +0000")
        size = int(r.lognormvariate(8, 1.5))
        referer = "-" if r.random() < 0.5 else f"https://shop.example.com{self._zipf(self.paths)}"
        user = "-" if r.random() < 0.8 else self._zipf(self.users)
        return (f'{self._zipf(self.ips)} - {user} [{t}] "{r.choice(METHODS)} {self._zipf(self.paths)} HTTP/1.1" '
                f'{r.choice(STATUSES)} {size} "{referer}" "{self._zipf(AGENTS)}"')

    def syslog(self):
        r = self.random
        app = self._zipf(SYSLOG_APPS)
        text = r.choice(SYSLOG_TEXT[app]).format(
            ip=self._zipf(self.ips), port=r.randint(1024, 65535), n=r.randint(1, 9999), hex=f"{r.getrandbits(48):012x}")
        t = self._tick().isoformat(timespec="milliseconds").replace("+00:00", "Z")
        pri = r.choice([13, 14, 30, 38, 86, 11])
        return f"<{pri}>1 {t} {self._zipf(self.hosts)} {app} {r.randint(100, 32000)} - - {text}"

    def json_app(self):
        r = self.random
        level = r.choice(LEVELS)
        record = {
            "timestamp": self._tick().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": level,
            "service": self._zipf(SERVICES),
            "trace_id": f"{r.getrandbits(128):032x}",
            "message": r.choice(APP_MESSAGES),
            "http": {"method": r.choice(METHODS), "path": self._zipf(self.paths), "status": r.choice(STATUSES)},
            "latency_ms": round(r.lognormvariate(3, 1), 2),
            "user_id": self._zipf(self.users),
        }
        if level == "ERROR":
            record["error"] = {"type": "UpstreamTimeout", "retries": r.randint(0, 3)}
        return json.dumps(record, separators=(",", ":"))

    def line(self, kind=None):
        kind = kind or self.random.choice(("apache", "syslog", "json"))
        text = {"apache": self.apache, "syslog": self.syslog, "json": self.json_app}[kind]()
        if self.random.random() < self.hit_rate:
            text += " SCANHIT"
        return text


if __name__ == "__main__":
    import sys
    corpus = Corpus(seed=int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    for kind in ("apache", "syslog", "json"):
        for _ in range(3):
            print(corpus.line(kind))
