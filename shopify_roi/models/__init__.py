"""Typed SQLAlchemy models, one module per aggregate."""
from ..db import Base
from .shop import OAuthState, Shop
from .webhook import WebhookDelivery

__all__ = ["Base", "OAuthState", "Shop", "WebhookDelivery"]
