# Criée — production image (PostgreSQL through docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    CRIEE_ENV=production CRIEE_DATA_DIR=/var/lib/criee CRIEE_HOST=0.0.0.0 CRIEE_PORT=8000

RUN useradd --system --home /app --shell /usr/sbin/nologin criee
WORKDIR /app
COPY pyproject.toml README.md ./
COPY auction ./auction
COPY frontend ./frontend
COPY migrations ./migrations
RUN pip install -e . && mkdir -p /var/lib/criee && chown criee /var/lib/criee

USER criee
VOLUME /var/lib/criee
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/sante', timeout=4)"
# Migrate, then serve. The server refuses to start on a schema that is not at head.
CMD ["sh", "-c", "criee db upgrade && exec criee serve"]
