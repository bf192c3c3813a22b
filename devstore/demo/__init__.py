"""``python -m devstore.demo``: the zero-set-up demo (the stand-in, the app, a demo shop with five
months of history)."""
