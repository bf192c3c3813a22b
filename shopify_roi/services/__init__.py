"""The rules. Every service takes the shop first; services flush but never commit."""
