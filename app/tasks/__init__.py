"""Background jobs. ``app.tasks.huey`` is the dotted path the worker loads:

    huey_consumer app.tasks.huey -w 2 -k thread -m 1

Task modules are imported at the bottom so that the worker registers every task.
"""

from app.tasks.queue import make_huey
from app.tasks.runtime import connect_signals

huey = make_huey()
connect_signals(huey)

from app.tasks import insights, notifications, reports, surveys, system  # noqa: E402,F401  (registers tasks)
