"""The WSGI entry point gunicorn serves (Procfile): the app from the environment, the heap settled."""

from shopify_roi.app import create_app
from shopify_roi.gc_tuning import settle

app = create_app()
settle()
