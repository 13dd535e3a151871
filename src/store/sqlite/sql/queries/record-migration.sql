-- Records a migration as applied, in the same transaction as the migration itself.
-- Parameters: @version, @name (the file name), @appliedAt (epoch ms).
INSERT INTO tutti_migrations (version, name, applied_at) VALUES (@version, @name, @appliedAt);
