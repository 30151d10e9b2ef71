"""Unit tests: the pure library, the schema and the text it renders, without Salt or real disks."""
