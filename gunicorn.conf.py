"""gunicorn settings for Huisheng (read automatically when gunicorn starts in this folder;
`scripts/run.sh` passes it explicitly). Command-line flags override these values.

No access log: request lines carry survey, invitation and tracking secrets, and client
addresses are not kept. Should one be switched on (``--access-logfile``), its format has no
remote address, no URL and no user agent. The error log goes through a logger that hides
client addresses and request paths (``app.server_logging``).
"""

wsgi_app = "app:create_app()"
worker_class = "gthread"
threads = 4
timeout = 120
accesslog = None
access_log_format = '%(t)s %(m)s %(s)s %(B)s %(M)sms'
errorlog = "-"
logger_class = "app.server_logging.PrivateGunicornLogger"
