"""The WSGI entry point gunicorn serves (Procfile): the app from the environment, the heap settled."""

from .app import create_app
from .heap import settle

app = create_app()
settle()
