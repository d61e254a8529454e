"""The simulated users of `samspar bench load` (samspar/bench/load.py).

Locust runs this file in a process of its own: it monkey-patches the standard library
with gevent, so neither this file nor locust is ever imported by Samspår's own
processes, and this file imports nothing of Samspår. Everything it needs — the headers
that sign each user in (a session cookie, or an API key) and the paths of each page
kind — comes from the JSON file named by SAMSPAR_LOAD_PLAN.

Each simulated user first opens every one of its page kinds once (so that a short run
still measures each), then, after a pause of 1–5 s (reading the page), opens one at
random by its weight. Requests are named by page kind, which groups locust's
statistics; anything but 200 (a redirect to the log-in page too) is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any, ClassVar

from locust import FastHttpUser, between, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["SAMSPAR_LOAD_PLAN"]).read_text())


class _Visitor(FastHttpUser):
    abstract = True
    wait_time = between(1, 5)
    plan_key: ClassVar[str]  # the plan's list of identities for this kind of user
    weights: ClassVar[dict[str, int]]  # page kind → how often it is opened
    taken: ClassVar[itertools.count[int]]  # hands each user the next identity

    def on_start(self) -> None:
        identities = PLAN[self.plan_key]
        me = identities[next(self.taken) % len(identities)]
        self.headers: dict[str, str] = me["headers"]
        self.pages: dict[str, list[str]] = me["pages"]
        for kind in self.weights:
            self.open(kind)

    @task
    def click(self) -> None:
        kinds = list(self.weights)
        self.open(random.choices(kinds, weights=[self.weights[k] for k in kinds])[0])

    def open(self, kind: str) -> None:
        path = random.choice(self.pages[kind])
        with self.client.get(
            path, headers=self.headers, name=kind, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Coach(_Visitor):
    """A registrar (deltagaransvarig) of one insats: its participant list, a
    participant's record, the insats's page."""

    weight = 3
    plan_key = "coaches"
    weights = {"enrolment-list": 4, "enrolment-detail": 4, "insats-detail": 1}
    taken = itertools.count()


class Administrator(_Visitor):
    """The förbund administrator: the förbund's page, its insatser's pages and the
    förbund's report of the last full year."""

    weight = 1
    plan_key = "admins"
    weights = {"forbund-detail": 2, "insats-detail": 2, "report-forbund": 1}
    taken = itertools.count()


class ApiClient(_Visitor):
    """A program with a coach's API key: the insatser, pages of an insats's enrolments,
    single enrolments."""

    weight = 1
    plan_key = "api"
    weights = {"api-insatser": 1, "api-enrolments": 2, "api-enrolment": 3}
    taken = itertools.count()
