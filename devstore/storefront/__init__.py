"""The shops' online stores under each shop's origin (``{stand-in}/{shop}``): pages, cart, discount links,
checkout and thank-you page, and the web pixel sandbox that runs the app's pixel on them."""
