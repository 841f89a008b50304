# syntax=docker/dockerfile:1
# The web and scheduler image: the wheel and the locked runtime dependencies, nothing else.
# README.md, "Run it in production", says what each step does; tests/test_container.py checks
# that the two agree.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: the wheel (templates, static files, migrations and the compiled catalogue in it)
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements/build.txt requirements/build.txt
RUN python -m venv /opt/build && /opt/build/bin/pip install --require-hashes -r requirements/build.txt
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY campaign/ campaign/
COPY templates/ templates/
COPY static/ static/
COPY migrations/ migrations/
RUN /opt/build/bin/python -m build --no-isolation --wheel --outdir /dist .

# --- runtime: slim, non-root, tzdata for Asia/Seoul
FROM ${PYTHON_IMAGE} AS runtime
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends tzdata && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --create-home --home-dir /app aesseuji
COPY requirements/runtime.txt /tmp/runtime.txt
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --require-hashes -r /tmp/runtime.txt
COPY --from=build /dist/ /tmp/dist/
RUN /opt/venv/bin/pip install --no-deps /tmp/dist/*.whl && rm -rf /tmp/dist /tmp/runtime.txt
COPY gunicorn.conf.py /app/gunicorn.conf.py
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    TZ=Asia/Seoul \
    CAMPAIGN_ENV=production \
    CAMPAIGN_INSTANCE_PATH=/app/instance \
    PROMETHEUS_MULTIPROC_DIR=/tmp/metrics
WORKDIR /app
USER aesseuji
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "--config", "/app/gunicorn.conf.py"]
