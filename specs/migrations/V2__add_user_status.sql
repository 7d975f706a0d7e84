-- A constant default needs no table rewrite (PostgreSQL 11+), so this is safe on a large users table.
ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';
