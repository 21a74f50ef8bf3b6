# Convene: one image for the web and worker process groups.
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
COPY requirements.txt /tmp/requirements.txt
RUN /venv/bin/pip install -r /tmp/requirements.txt

FROM python:3.11-slim-bookworm
# WeasyPrint needs Pango; libharfbuzz-subset0 makes its font subsetting ~5x faster (certificates).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core shared-mime-info \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1000 convene
ENV PATH="/venv/bin:$PATH" \
    PYTHONPATH="/app:/app/site" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    CONVENE_VAR_DIR=/data \
    PORT=8000
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=convene:convene . /app
RUN mkdir -p /data && chown convene:convene /data \
 && SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v0
USER convene
EXPOSE 8000
CMD ["sh", "-c", "gunicorn config.wsgi:application --pythonpath site --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --threads 4 --access-logfile -"]
