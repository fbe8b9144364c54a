"""mapgen: turn a news story about a journey into a cited, routed map."""

__version__ = "0.1.0"
