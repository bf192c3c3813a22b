"""A creator's posts (issue 20): entering them and their dated figures (entries.py) and what they yield
(figures.py: engagement rate, CPM, CPE, cost per post, sales after a post)."""
