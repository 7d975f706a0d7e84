-- dbarch:no-transaction
-- Built CONCURRENTLY so writes to users continue during the build; one statement per non-transactional file.
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_lower_idx ON users (lower(email));
