"""RQ job functions (they take ids, not objects), the one enqueue helper and the schedules."""
