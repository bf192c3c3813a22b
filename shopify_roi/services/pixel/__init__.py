"""The creator pixel (README "The creator pixel"): its settings, the collector's checks and writes, and the
funnel and product mix it makes possible."""
