import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dmvrequests.settings")

app = Celery("dmvrequests")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
