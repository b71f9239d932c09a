-- Trigram indexes make `q` (a substring search) an index lookup; pg_trgm ships with PostgreSQL's contrib
-- modules and is a trusted extension, so the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
