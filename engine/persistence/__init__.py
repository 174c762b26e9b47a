"""SQLAlchemy 2.0 tables and the unit of work. Imports engine.domain only."""
