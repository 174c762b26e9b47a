"""What every benchmark needs: PostgreSQL databases, the machine's description, statistics."""
