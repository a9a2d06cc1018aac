import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "django-insecure-b52-demo-only"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The partner demo page (/partner-demo/ on localhost) frames the embeds of
# the site on 127.0.0.1.
if "B52_EMBED_ORIGINS" not in os.environ:
    B52_EMBED_ORIGINS = ["http://localhost:8000"]
