"""The Admin GraphQL API: the HTTP endpoint, the schema engine and its resolvers, bulk operations,
query cost and the leaky-bucket throttle, input limits, protected customer data, pagination."""
