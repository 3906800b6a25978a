"""gunicorn in production: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`, run by
deploy/systemd/prisoners-web.service behind nginx (deploy/nginx). Options given on the
command line win over these."""

import os

# Under systemd the socket comes from prisoners-web.socket and this is ignored; it is used
# when gunicorn is started by hand.
bind = ["unix:/run/prisoners/gunicorn.sock"]

# Sync workers: nginx buffers slow clients, so a worker is busy only while Django works.
# Rate limits and the daily fingerprint key live in Redis (REDIS_URL), which all workers
# share; without it each worker would count on its own.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))

# Below nginx's proxy_read_timeout (deploy/nginx/app.conf), so that gunicorn stops and logs a
# stuck request rather than nginx giving up on it while the worker carries on.
timeout = 60
graceful_timeout = 30

# Workers are replaced now and then, so that a slow leak never grows into an outage.
max_requests = 1000
max_requests_jitter = 100

# No access log: like nginx's, it would keep request lines with their tokens. Errors go to
# stderr, that is the journal.
accesslog = None
errorlog = "-"

# The client address is worked out by the app from X-Forwarded-For and TRUSTED_PROXIES
# (core/client.py), and HTTPS from X-Forwarded-Proto by SECURE_PROXY_SSL_HEADER, so
# gunicorn's forwarded_allow_ips decides nothing that matters here.
