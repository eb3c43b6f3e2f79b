# heel-bot in a container: a slim Python base, a non-root user, the SQLite store on a volume,
# and no token in the image (it comes from the environment when the container runs).
#
#   docker build -t heel-bot .
#   docker run -d --name heel-bot -e TELEGRAM_BOT_TOKEN -v heel-data:/data \
#              -p 127.0.0.1:9090:9090 heel-bot
#
# compose.yaml runs it by long polling or by webhook; README.md, "Run it as a service".

# ---- build: the wheel (dialogs/ and content/ inside it) and every dependency's wheel
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY heel_bot ./heel_bot
COPY dialogs ./dialogs
COPY content ./content
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# ---- run: the installed wheels and nothing else from the build
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HEEL_BOT_DB=/data/heel-bot.sqlite3 \
    XDG_CACHE_HOME=/data/.cache \
    HEEL_BOT_HEALTH_LISTEN=0.0.0.0 \
    HEEL_BOT_HEALTH_PORT=9090
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin heel \
    && mkdir /data && chown heel:heel /data && chmod 700 /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels /wheels/heel_bot-*.whl \
    && rm -rf /wheels
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
# 8443: the webhook server (webhook mode only); 9090: /healthz, /readyz, /metrics.
EXPOSE 8443 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HEEL_BOT_HEALTH_PORT', '9090'), timeout=4)"]
# SIGTERM (docker stop) finishes the updates in flight and closes the store.
STOPSIGNAL SIGTERM
ENTRYPOINT ["heel-bot"]
CMD ["serve"]
