# sanctions-monitor: one long-running container. Mount your rules at /config/rules.yaml and a
# volume at /state; secrets come from the environment (see docker-compose.yml and .env.example).

# Build stage: the project and its dependencies into a virtualenv, from the project's metadata.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY monitor ./monitor
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --upgrade pip==26.3 \
 && /opt/venv/bin/pip install --no-cache-dir .

# Runtime stage: the virtualenv and the default rules, run as a user without privileges.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MONITOR_RULES=/config/rules.yaml \
    MONITOR_STATE=/state \
    MONITOR_HTTP=0.0.0.0:8080
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin monitor \
 && mkdir -p /state /config/docs \
 && chown monitor /state
COPY --from=build /opt/venv /opt/venv
COPY rules.yaml /config/rules.yaml
COPY docs/rules.schema.json /config/docs/rules.schema.json
USER 10001
VOLUME ["/state"]
EXPOSE 8080
# No curl in the image: the health check is the interpreter that is already there.
HEALTHCHECK --interval=60s --timeout=10s --start-period=120s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=8).status != 200)"]
# Exec form: sanctions-monitor is PID 1 and gets SIGTERM itself (it stops within 10 s).
ENTRYPOINT ["sanctions-monitor"]
CMD ["run"]
