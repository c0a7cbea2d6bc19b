# Production image: gunicorn serving the portal; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/cica
RUN useradd --system --create-home --home-dir /app cica && mkdir -p /var/lib/cica \
    && chown cica /var/lib/cica
# WeasyPrint (the meetings' letters as PDF) draws text with Pango; DejaVu has the Cyrillic glyphs.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY . .
RUN pip install --no-cache-dir -c constraints.txt . && \
    SECRET_KEY=build-only AUDIT_KEY=build-only-never-signs-anything-0123 DEBUG=0 \
        SHARE_MASTER_KEYS=build:YnVpbGQtb25seS1uZXZlci1zZWFscy1hbnl0aGluZyE \
        python manage.py collectstatic --noinput && \
    mkdir -p /var/lib/cica/anchors && \
    chown -R cica /var/lib/cica
USER cica
EXPOSE 8000
CMD ["gunicorn", "portal_site.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
