"""The process's wiring: settings, database, queue and token cipher, built once per process.

The web app builds it in `create_app`; an RQ worker builds it lazily from the environment on
its first job (`current()`), so a plain `rq worker` can run the app's jobs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from shopify_roi import redaction
from shopify_roi.config import Settings, from_env
from shopify_roi.crypto import TokenCipher
from shopify_roi.db import Database
from shopify_roi.queueing import JobQueue
from shopify_roi.shopify_client.oauth import AppCredentials


@dataclass
class Runtime:
    settings: Settings
    db: Database
    jobs: JobQueue
    cipher: TokenCipher

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        settings.validate()
        # Every process that builds a runtime (web, worker, CLI) logs nothing secret.
        redaction.install([settings.api_secret, settings.api_secret_previous, *settings.encryption_keys])
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            jobs=JobQueue(settings.redis_url, settings.queue_name),
            cipher=TokenCipher(settings.token_encryption_key),
        )

    @property
    def credentials(self) -> AppCredentials:
        return AppCredentials(self.settings.api_key, self.settings.api_secret, self.settings.origin_template)

    @property
    def secrets(self) -> list[str]:
        return [s for s in (self.settings.api_secret, self.settings.api_secret_previous) if s]

    def close(self) -> None:
        self.jobs.stop_thread()
        self.db.dispose()


_lock = threading.Lock()
_current: Runtime | None = None


def install(runtime: Runtime) -> Runtime:
    """Make `runtime` the one jobs use in this process."""
    global _current
    with _lock:
        _current = runtime
    return runtime


def current() -> Runtime:
    """The process's runtime, built from the environment on first use (an RQ worker's case)."""
    global _current
    with _lock:
        if _current is None:
            _current = Runtime.build(from_env())
        return _current
