# The web image that docker-compose.yml builds: Django under gunicorn, static files collected
# at build time and served by WhiteNoise. Configuration comes from the environment at run time
# (see newsroom/settings.py); nothing secret is baked into the image.

# The desk's body editor: ProseMirror bundled by esbuild (package.json's "build"), pinned by
# package-lock.json. Only the built file reaches the web image; Node does not.
FROM node:20-slim AS editor
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY editors/frontend editors/frontend
RUN npm run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_STATIC_ROOT=/app/var/staticfiles \
    DJANGO_MEDIA_ROOT=/app/var/media

WORKDIR /app

COPY . .
COPY --from=editor /build/editors/static/editors/build editors/static/editors/build

# psycopg2-binary and Pillow ship wheels, so the slim image needs no compiler.
RUN pip install .

# collectstatic imports the production settings, which refuse to load without a secret key
# and a host. These values exist only for this build step and never reach the running site.
RUN DJANGO_DEBUG=0 \
    DJANGO_SECRET_KEY=build-only-collectstatic-placeholder-not-used-at-runtime \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

# Run as an unprivileged user. The media folder is created here, owned by that user, so a
# fresh named volume mounted over it inherits the ownership.
RUN useradd --system --uid 10001 --no-create-home --home-dir /app newsroom \
    && mkdir -p /app/var/media \
    && chown newsroom:newsroom /app/var/media
USER newsroom

EXPOSE 8000

CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn newsroom.wsgi -b 0.0.0.0:8000 --workers 3"]
