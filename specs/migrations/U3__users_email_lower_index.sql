-- dbarch:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS users_email_lower_idx;
