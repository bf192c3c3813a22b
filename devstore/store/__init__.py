"""The stand-in's in-memory state: shops, their tokens and records (state), products, and each
shop's clock."""
