"""Shopify Flow: the app's actions (`actions.py`) and triggers (`triggers.py`)."""
