"""Gunicorn's settings for the production server, ``samspar serve`` (docs/deployment.md).

- ``SAMSPAR_BIND``: the address to listen on, ``127.0.0.1:8000`` by default — behind the
  TLS reverse proxy on the same machine; ``unix:/run/samspar/gunicorn.sock`` also works.
- ``SAMSPAR_WORKERS``: worker processes; by default two per core, plus one.
- ``SAMSPAR_TIMEOUT``: seconds a request may take before its worker is restarted (120:
  a large PDF or Excel export takes a while).

The access log and gunicorn's own messages go to stderr through the same masking
formatter as Django's logs (``samspar.core.logging``): a request line holds the path
only, never the query string, with anything shaped like a personnummer masked.
"""

import multiprocessing
import os

from samspar.core.logging import stderr_config

wsgi_app = "samspar.wsgi:application"
bind = [os.environ.get("SAMSPAR_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("SAMSPAR_WORKERS", "0")) or 2 * multiprocessing.cpu_count() + 1
timeout = int(os.environ.get("SAMSPAR_TIMEOUT", "120"))
graceful_timeout = 30
# X-Forwarded-Proto is believed only from the proxy on this machine (gunicorn's default);
# Django itself reads it only with SAMSPAR_BEHIND_PROXY=1.
forwarded_allow_ips = "127.0.0.1,::1"
# No control socket (gunicornc): a service manager starts and stops the server.
control_socket_disable = True

# Client address (the proxy's, behind one), method, path (%(U)s: without the query
# string), protocol, status, bytes and milliseconds; the formatter adds the time.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
logconfig_dict = stderr_config({"gunicorn.error": "INFO", "gunicorn.access": "INFO"})
