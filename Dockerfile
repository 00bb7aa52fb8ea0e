# The production image: docker-compose.yml runs web (gunicorn), worker and beat from it.
FROM python:3.11-slim

# PYTHONPATH: run from the source tree in /app, next to templates/, static/ and locale/ (settings.BASE_DIR).
# REGULATOR_EMBEDDED=0: never start embedded PostgreSQL/Redis here; DATABASE_URL and REDIS_URL are required.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    REGULATOR_EMBEDDED=0

WORKDIR /app
COPY . .
RUN pip install . \
    && useradd --create-home --uid 1000 regulator \
    && mkdir -p /app/var \
    && chown -R regulator /app/var

USER regulator
EXPOSE 8000
CMD ["gunicorn", "regulator.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
