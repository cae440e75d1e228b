# Production image for KSB Portfolio.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PORTFOLIO_ENV=prod \
    PORTFOLIO_DATA_DIR=/data

RUN groupadd --system portfolio && useradd --system --gid portfolio --home /srv/app portfolio

WORKDIR /srv/app
# Templates, migrations and seed data live beside the package: install it in place.
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY seed ./seed
RUN pip install -e . && mkdir -p /data && chown portfolio:portfolio /data

USER portfolio
VOLUME ["/data"]
EXPOSE 8000

# Healthy: /healthz answers (the process is alive; it asks nothing of the database) and /readyz
# answers 200 (the database answers a read within a second). urlopen fails on a 503, and two
# 2 s waits fit in the 5 s allowed. Where liveness and readiness are probed apart (Kubernetes),
# point the liveness probe at /healthz and the readiness probe at /readyz instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request as u; [u.urlopen('http://127.0.0.1:8000' + p, timeout=2) for p in ('/healthz', '/readyz')]"

# `serve` applies migrations before it starts the workers.
CMD ["portfolio", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
