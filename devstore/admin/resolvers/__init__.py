"""Admin GraphQL resolvers, one module per area; each module is imported when the schema loads."""
