# One image for the api, the worker and the one-shot migrate service.
#   docker build -t latentgen .                                   # CPU torch
#   docker build --build-arg TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128 -t latentgen:gpu .
FROM python:3.11-slim

ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLBACKEND=Agg \
    LATENTGEN_HOME=/var/lib/latentgen \
    LATENTGEN_DATA_DIR=/data

WORKDIR /app
# torch first, from the chosen index (CPU by default): the heaviest layer changes least
RUN pip install --index-url "${TORCH_INDEX_URL}" torch==2.14.1 torchvision==0.29.1

COPY pyproject.toml alembic.ini ./
COPY latentgen ./latentgen
COPY service ./service
COPY worker ./worker
COPY migrations ./migrations
# editable, so `latentgen migrate` finds migrations/ next to the code
RUN pip install -e ".[service]"

RUN useradd --uid 10001 --create-home app \
    && mkdir -p /var/lib/latentgen /data \
    && chown app /var/lib/latentgen
USER app

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=5 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["uvicorn", "service.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
