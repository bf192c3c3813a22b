"""The Shopify admin around an embedded app: the admin's app frame and its token route, and the
stand-in's App Bridge (static/app-bridge.js) with the admin's side of it (static/admin-host.js)."""
