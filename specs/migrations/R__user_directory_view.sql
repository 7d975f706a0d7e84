-- Re-applied whenever this file changes.
CREATE OR REPLACE VIEW user_directory AS
  SELECT id, email, name, status FROM users WHERE status = 'active';
