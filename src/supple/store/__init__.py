"""Storage adapter: SQLAlchemy Core tables, Alembic migrations, and small repositories.

SQLAlchemy Core (not the ORM) keeps the read path of ``supple today`` lean: importing
``sqlalchemy.orm`` alone costs more than the whole command's start-up budget allows.
"""
