-- 0002_pg_collation (PostgreSQL only): compare search keys and ids byte by
-- byte whatever the database's locale, so prefix range scans
-- (key >= 'ab' AND key < 'ac') and id cursors mean the same as on SQLite.
ALTER TABLE patients
    ALTER COLUMN sort_key TYPE TEXT COLLATE "C",
    ALTER COLUMN first_key TYPE TEXT COLLATE "C",
    ALTER COLUMN last_key TYPE TEXT COLLATE "C",
    ALTER COLUMN phone_key TYPE TEXT COLLATE "C",
    ALTER COLUMN email TYPE TEXT COLLATE "C";
