"""Signed-in clerks and counsel working through their pages, as fast as the server answers.

Run by bench/bench_load.py (`make load`), which starts gunicorn on 127.0.0.1,
sets the accounts' password and passes them here:

    LOAD_ACCOUNTS=clerk-albany-1,counsel-albany-1,... LOAD_PASSWORD=... \
        locust -f loadtest/locustfile.py --headless --host http://127.0.0.1:PORT ...

Each simulated person signs in once through the real sign-in form (MFA is off
in the benchmark database) with an account of their own: the application
keeps one session per user. A page answered with anything but 200 (a redirect
to the sign-in page included) counts as a failure.
"""

import itertools
import os
import random
import re

from locust import FastHttpUser, task
from locust.exception import StopUser

ACCOUNTS = itertools.cycle(os.environ.get("LOAD_ACCOUNTS", "").split(","))
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
CASE_LINK = re.compile(r'href="/cases/(DR-\d{4}-\d{6,})/"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCHES = ("Maria Lopez", "John Smith", "Wei Chen", "Fatima Diallo", "Carlos Romero")


class Staff(FastHttpUser):
    """One person at the legal unit: a clerk or counsel, by the account they sign in with."""

    def on_start(self):
        self.username = next(ACCOUNTS)
        self.sign_in()
        self.cases = self.case_numbers()

    def sign_in(self):
        form = self.client.get("/accounts/sign-in/", name="sign-in form")
        token = CSRF_FIELD.search(form.text)
        with self.client.post(
            "/accounts/sign-in/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/sign-in/"},
            name="sign-in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in of {self.username} answered {response.status_code}")
                raise StopUser()

    def page(self, url, name):
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{url} answered {response.status_code}")
            return response

    def case_numbers(self):
        return CASE_LINK.findall(self.page("/cases/", "queue").text or "")[:20]

    @property
    def counsel(self):
        return self.username.startswith("counsel-")

    @task(4)
    def queue(self):
        self.page("/cases/", "queue")

    @task(1)
    def queue_second_page(self):
        self.page("/cases/?page=2" if not self.counsel else "/cases/?tab=mine", "queue (more)")

    @task(3)
    def case_page(self):
        if self.cases:
            self.page(f"/cases/{random.choice(self.cases)}/", "case page")  # noqa: S311

    @task(1)
    def search(self):
        query = random.choice(SEARCHES)  # noqa: S311 - load mix, not secrets
        self.page(f"/cases/search/?q={query.replace(' ', '+')}", "search")
