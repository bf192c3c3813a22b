"""Creator ROI: an embedded Shopify app that tells a merchant which creators make money."""

__version__ = "0.1.0"
