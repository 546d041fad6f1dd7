# One image for the api, the worker and the one-shot services (migrate, createbucket).
#   docker build -t latentgen .      # torch from pip's configured index (PyPI's wheels: the CUDA build)
#   docker build --build-arg TORCH_INDEX_URL=<an index of CPU-only torch wheels> -t latentgen:cpu .
# Single stage on purpose: every dependency installs from a wheel, so there is nothing to compile
# and no build toolchain to leave behind (python:3.11-slim ships none).
FROM python:3.11-slim

# where torch comes from: empty, pip's own configured index; PyTorch publishes a CPU-only index,
# whose address the builder passes (the project names no package host)
ARG TORCH_INDEX_URL=
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

WORKDIR /app
# torch first, from the chosen index: the heaviest layer changes least
RUN pip install ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"} torch==2.14.1 torchvision==0.29.1

COPY pyproject.toml alembic.ini ./
COPY clients/python/pyproject.toml ./clients/python/
# the dependencies next, against empty packages: this layer is rebuilt only when a pyproject.toml
# changes, not at every code change. Editable, so `latentgen migrate` finds migrations/ by the code;
# the client package (the `latentgen` command) installs beside the server, which depends on it
RUN for p in latentgen service worker clients/python/latentgen_client clients/python/latentgen_cli; do \
        mkdir -p "$p" && touch "$p/__init__.py"; done \
    && touch clients/python/README.md \
    && pip install -e ./clients/python -e ".[service]"
COPY latentgen ./latentgen
COPY service ./service
COPY worker ./worker
COPY clients/python ./clients/python
COPY migrations ./migrations

ENV MPLBACKEND=Agg \
    LATENTGEN_HOME=/var/lib/latentgen \
    LATENTGEN_DATA_DIR=/data
RUN useradd --uid 10001 --create-home app \
    && mkdir -p /var/lib/latentgen /data \
    && chown app /var/lib/latentgen
USER app

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=5 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["uvicorn", "service.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
