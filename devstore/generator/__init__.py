"""Generated stores: a seeded, realistic history of orders, creators' codes and links, refunds,
cancellations and edits (``POST /_devstore/shops/{shop}/generate``)."""
