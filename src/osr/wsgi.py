import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osr.settings")
application = get_wsgi_application()

# Import every view and build the API's schemas now, while the server starts, rather
# than in the first request each process answers: that costs about a second of
# processor time, and gunicorn loads OSR once and forks its workers from it.
get_resolver().url_patterns  # noqa: B018 (read for its side effect: the URLconf imported)
